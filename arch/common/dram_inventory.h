// The DRAM interface as an inventory item: the same for every accelerator with a DRAM.
#pragma once

#include "sim/cost/actions.h"
#include "sim/dram_timing.h"

namespace qasim::arch {

inline sim::cost::InventoryItem dram_interface(const sim::DramParams& dram) {
  return {"dram",           "interface",       dram.channels,
          dram.burst_bytes, "bytes per burst", {dram.burst_bytes * 8}};
}

}  // namespace qasim::arch
