// What the UNPU model is built of, for the cost model (area, leakage): components with
// their sizes and bit widths, derived from the params. Counts only, no µm².
#pragma once

#include <vector>

#include "arch/unpu/params.h"
#include "sim/cost/actions.h"

namespace qasim::arch::unpu {

std::vector<sim::cost::InventoryItem> inventory(const UnpuParams& p);

}  // namespace qasim::arch::unpu
