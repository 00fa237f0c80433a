// What the NVDLA model is built of, for a future cost model (area, leakage): components
// with their sizes and bit widths, derived from the params. Counts only, no µm².
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/nvdla/params.h"

namespace qasim::arch::nvdla {

struct InventoryItem {
  std::string component;  // stat group it matches ("cmac", "cbuf", ...)
  std::string kind;       // "mac", "sram", "adder", "multiplier", "interface"
  int64_t count = 0;      // instances
  int64_t size = 0;       // per instance, in `unit`
  std::string unit;
  int bits = 0;  // operand or word width
};

std::vector<InventoryItem> inventory(const NvdlaParams& p);

}  // namespace qasim::arch::nvdla
