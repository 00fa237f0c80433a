// What an EIE-style accelerator is built of, for the cost model's area and leakage.
#pragma once

#include <vector>

#include "arch/eie/params.h"
#include "sim/cost/actions.h"

namespace qasim::arch::eie {

int queue_entry_bits(const EieParams& p);
std::vector<sim::cost::InventoryItem> inventory(const EieParams& p);

}  // namespace qasim::arch::eie
