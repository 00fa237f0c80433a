#include "arch/eie/inventory.h"

#include "arch/common/dram_inventory.h"

namespace qasim::arch::eie {

namespace {

int64_t bytes(int64_t entries, int bits) {
  return (entries * bits + 7) / 8;
}

}  // namespace

std::vector<sim::cost::InventoryItem> inventory(const EieParams& p) {
  const int n = p.num_pes, act = p.activation_bits, acc = p.accumulator_bits;
  return {
      // One zero-detect per PE's activations plus the quadtree nodes above them.
      {"lnzd", "comparator", n, 1, "zero detector", {act}},
      {"act_queue",
       "register_file",
       n,
       bytes(p.queue_depth, queue_entry_bits(p)),
       "bytes",
       {queue_entry_bits(p)}},
      // Two single-ported banks (even and odd columns) read p_j and p_j+1 in one cycle.
      {"ptr_sram", "sram", n, p.pointer_sram_bytes, "bytes", {p.pointer_bits}, 2, 1},
      {"spmat_sram", "sram", n, p.spmat_sram_bytes, "bytes", {p.spmat_word_bits}, 1, 1},
      {"codebook", "lut", n, bytes(p.codebook_entries(), p.weight_bits), "bytes", {p.weight_bits}},
      {"mult", "multiplier", n, 1, "multiplier", {p.weight_bits, act}},
      {"acc_add", "adder", n, 1, "adder", {acc}},
      {"src_regs", "register_file", n, bytes(p.activation_registers, act), "bytes", {act}},
      {"dst_regs", "register_file", n, bytes(p.activation_registers, acc), "bytes", {acc}},
      {"act_sram", "sram", n, p.activation_sram_bytes, "bytes", {act}, 1, 1},
      {"requant", "multiplier", n, 1, "requant lane", {p.mulshift_bits, acc}},
      {"ppu", "adder", p.ppu_lanes, 1, "lane", {acc}},
      dram_interface(p.dram),
  };
}

}  // namespace qasim::arch::eie
