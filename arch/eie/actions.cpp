#include "arch/eie/actions.h"

#include "arch/eie/inventory.h"

namespace qasim::arch::eie {

// Width of an activation-queue entry: the activation and its column index.
int queue_entry_bits(const EieParams& p) {
  return p.activation_bits + 16;
}

std::vector<sim::cost::LayerActions> layer_actions(const sim::StatsRecorder& recorder,
                                                   const EieParams& p) {
  const int acc = p.accumulator_bits, act = p.activation_bits;
  std::vector<sim::cost::LayerActions> out;
  for (const sim::LayerStats& layer : recorder.layers()) {
    const auto count = [&](const std::string& path) {
      return layer.values[recorder.index("eie." + path)].count;
    };
    sim::cost::LayerActions la{layer.name, {}};
    const auto add = [&la](std::string component, std::string kind, std::vector<int> bits,
                           uint64_t n) {
      if (n) la.actions.push_back({std::move(component), std::move(kind), std::move(bits), n});
    };
    const uint64_t entries = count("pe.entries");
    const uint64_t queued = count("lnzd.broadcasts") * static_cast<uint64_t>(p.num_pes);
    add("lnzd", "comparator", {act}, count("lnzd.scanned"));
    add("src_regs", "rf_read", {act}, count("act.register_reads"));
    add("act_sram", "sram_read", {act}, count("act.sram_reads") + count("act.gathered"));
    add("src_regs", "rf_write", {act}, count("act.gathered"));
    add("act_queue", "rf_write", {queue_entry_bits(p)}, queued);
    add("act_queue", "rf_read", {queue_entry_bits(p)}, queued);
    add("ptr_sram", "sram_read", {p.pointer_bits}, count("pe.pointer_reads"));
    add("spmat_sram", "sram_read", {p.spmat_word_bits}, count("pe.spmat_reads"));
    // Every entry, padding included, goes through the lookup, multiplier and adder.
    add("codebook", "lut_read", {p.weight_bits, p.codebook_entries()}, entries);
    add("mult", "mult", {p.weight_bits, act}, entries);
    add("acc_add", "add", {acc}, entries);
    add("dst_regs", "rf_read", {acc}, entries + count("act.outputs"));
    add("dst_regs", "rf_write", {acc}, entries);
    add("requant", "mult", {p.mulshift_bits, acc}, count("act.outputs"));
    add("dst_regs", "rf_write", {act}, count("act.outputs"));
    add("ppu", "add", {acc}, count("ppu.ops"));
    add("dram", "dram_read", {}, count("dram.read_bytes"));
    if (!la.actions.empty()) out.push_back(std::move(la));
  }
  return out;
}

}  // namespace qasim::arch::eie
