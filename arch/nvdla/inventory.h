// What the NVDLA model is built of, for the cost model (area, leakage): components with
// their sizes and bit widths, derived from the params. Counts only, no µm².
#pragma once

#include <vector>

#include "arch/nvdla/params.h"
#include "sim/cost/actions.h"

namespace qasim::arch::nvdla {

std::vector<sim::cost::InventoryItem> inventory(const NvdlaParams& p);

}  // namespace qasim::arch::nvdla
