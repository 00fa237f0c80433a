#include "arch/unpu/inventory.h"

#include "arch/common/dram_inventory.h"

#include "arch/unpu/actions.h"

namespace qasim::arch::unpu {

std::vector<sim::cost::InventoryItem> inventory(const UnpuParams& p) {
  const int entry = p.lut_entry_bits();
  const int64_t lbpes = p.lbpes();
  const int64_t lanes = p.lanes;
  return {
      // Double-buffered LUTs: one set is built while the other is read.
      {"lut",
       "lut",
       lbpes * p.luts_per_lbpe * (p.lut_double_buffer ? 2 : 1),
       (int64_t{p.lut_entries()} * entry + 7) / 8,
       "bytes",
       {entry}},
      {"adder_tree", "adder", lbpes * lanes * (p.luts_per_lbpe - 1), 1, "adder", {p.tree_bits()}},
      {"shift_add", "shift_add", lbpes * lanes, 1, "accumulator", {p.lane_bits()}},
      {"weight_mem",
       "sram",
       p.cores,
       p.weight_memory_bytes(),
       "bytes",
       {kMemoryWordBits},
       p.weight_memory_banks,
       2},
      {"feature_mem",
       "sram",
       1,
       p.feature_memory_bytes(),
       "bytes",
       {kMemoryWordBits},
       p.feature_memory_banks,
       2},
      {"aggregation", "adder", p.aggregation_rate, 1, "adder", {p.accumulator_bits}},
      {"simd", "multiplier", p.simd_lanes, 1, "lane", {p.mulshift_bits, p.accumulator_bits}},
      dram_interface(p.dram),
  };
}

}  // namespace qasim::arch::unpu
