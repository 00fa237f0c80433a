#include "arch/unpu/actions.h"

#include <string>

namespace qasim::arch::unpu {

std::vector<sim::cost::LayerActions> layer_actions(const sim::StatsRecorder& recorder,
                                                   const UnpuParams& p) {
  const int entry = p.lut_entry_bits();
  const int acc = p.accumulator_bits;
  const uint64_t word = kMemoryWordBits / 8;
  std::vector<sim::cost::LayerActions> out;
  for (const sim::LayerStats& layer : recorder.layers()) {
    const auto count = [&](const std::string& path) {
      return layer.values[recorder.index("unpu." + path)].count;
    };
    sim::cost::LayerActions la{layer.name, {}};
    const auto add = [&la](std::string component, std::string kind, std::vector<int> bits,
                           uint64_t n) {
      if (n) la.actions.push_back({std::move(component), std::move(kind), std::move(bits), n});
    };
    add("lut", "lut_write", {entry, p.lut_entries()}, count("lbpe.lut_writes"));
    add("lut", "add", {entry}, count("lbpe.lut_build_adds"));
    add("lut", "lut_read", {entry, p.lut_entries()}, count("lbpe.lut_reads"));
    add("adder_tree", "add", {p.tree_bits()}, count("lbpe.tree_adds"));
    add("shift_add", "shift_add", {p.lane_bits()}, count("lbpe.shift_adds"));
    add("weight_mem", "sram_read", {kMemoryWordBits},
        (count("weight_mem.read_bytes") + word - 1) / word);
    add("weight_mem", "sram_write", {kMemoryWordBits},
        (count("weight_mem.write_bytes") + word - 1) / word);
    add("feature_mem", "sram_read", {kMemoryWordBits},
        (count("feature_mem.read_bytes") + word - 1) / word);
    add("feature_mem", "sram_write", {kMemoryWordBits},
        (count("feature_mem.write_bytes") + word - 1) / word);
    add("aggregation", "add", {acc}, count("aggregation.ops"));
    add("simd", "mult", {p.mulshift_bits, acc}, count("simd.ops"));
    add("simd", "add", {acc}, count("simd.ops"));
    add("dram", "dram_read", {}, count("dram.read_bytes"));
    add("dram", "dram_write", {}, count("dram.write_bytes"));
    if (!la.actions.empty()) out.push_back(std::move(la));
  }
  return out;
}

}  // namespace qasim::arch::unpu
