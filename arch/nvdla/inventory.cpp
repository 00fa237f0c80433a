#include "arch/nvdla/inventory.h"

#include "arch/common/dram_inventory.h"

namespace qasim::arch::nvdla {

std::vector<sim::cost::InventoryItem> inventory(const NvdlaParams& p) {
  const int dp = p.datapath_bits();
  return {
      {"cmac", "mac", p.macs(), 1, "MAC", {dp, dp, p.accumulator_bits}},
      // One accumulator entry per output of a stripe is held in CACC; its depth is a
      // design choice the model does not constrain, so only the width is listed.
      {"cacc", "adder", p.atomic_k, 1, "accumulator", {p.accumulator_bits}},
      // Each bank has one read and one write port (CDMA fills while CSC reads).
      {"cbuf",
       "sram",
       p.cbuf_banks,
       int64_t{p.cbuf_bank_bytes} * p.cbuf_entries,
       "bytes",
       {p.cbuf_bank_bytes * 8},
       1,
       2},
      {"sdp",
       "multiplier",
       p.sdp_throughput,
       1,
       "requant lane",
       {p.mulshift_bits, p.accumulator_bits}},
      {"pdp", "adder", p.pdp_throughput, 1, "pooling lane", {p.accumulator_bits}},
      dram_interface(p.dram),
  };
}

}  // namespace qasim::arch::nvdla
