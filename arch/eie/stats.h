// Action counts of the EIE model, declared once (sim/stats.h): what the cost model turns into
// energy, and the per-PE busy cycles that show load imbalance. Counts, never energy. The DRAM's
// own stats join this tree as "eie.dram".
#pragma once

#include <string>

#include "sim/stats.h"

namespace qasim::arch::eie {

struct LnzdStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter scanned{*this, "scanned", "activations", "activations tested for zero"};
  sim::Counter broadcasts{*this, "broadcasts", "activations", "non-zero activations broadcast"};
  sim::Counter stall_cycles{*this, "stall_cycles", "cycles",
                            "cycles a non-zero activation waited because a PE queue was full"};
};

struct PeStats : sim::StatGroup {
  using StatGroup::StatGroup;
  // Labels pe0..peN-1: cycles each PE's arithmetic unit worked (an entry, or the pointer
  // read of a column with no entries).
  sim::CounterVector busy{*this, "busy", "cycles", "busy cycles per PE"};
  sim::Counter busy_cycles{*this, "busy_cycles", "PE-cycles", "busy cycles summed over PEs"};
  sim::Counter idle_cycles{*this, "idle_cycles", "PE-cycles", "idle cycles summed over PEs"};
  sim::Counter pointer_reads{*this, "pointer_reads", "words",
                             "pointer SRAM reads (p_j and p_j+1, one per bank)"};
  sim::Counter spmat_reads{*this, "spmat_reads", "words", "sparse-matrix SRAM word reads (the last word fetched is reused)"};
  sim::Counter entries{*this, "entries", "entries", "CSC entries processed (padding included)"};
  sim::Counter padding{*this, "padding", "entries", "padding zero entries processed"};
  sim::Counter macs{*this, "macs", "MACs", "useful multiply-accumulates (non-zero x non-zero)"};
};

struct ActStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter register_reads{*this, "register_reads", "activations",
                              "source register reads for the broadcast"};
  sim::Counter sram_reads{*this, "sram_reads", "activations",
                          "source activations read from the activation SRAM"};
  sim::Counter gathered{*this, "gathered", "activations",
                        "im2col activations copied into the source registers (convolutions)"};
  sim::Counter outputs{*this, "outputs", "activations", "outputs requantized and written back"};
};

struct PpuStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter ops{*this, "ops", "elements", "pooling taps, add inputs, copies"};
  sim::Counter busy_cycles{*this, "busy_cycles", "cycles", "cycles the PPU worked"};
};

struct EieStats : sim::StatGroup {
  explicit EieStats(const std::string& name = "eie") : StatGroup(name) {}
  sim::Counter cycles{*this, "cycles", "cycles", "clock cycles"};
  sim::Counter spmvs{*this, "spmvs", "products", "sparse matrix-vector products (row batches)"};
  LnzdStats lnzd{"lnzd", this};
  PeStats pe{"pe", this};
  ActStats act{"act", this};
  PpuStats ppu{"ppu", this};
  sim::Scalar num_pes{*this, "num_pes", "PEs", "processing elements"};
  sim::Formula mac_utilization{*this,
                               "mac_utilization",
                               "ratio",
                               "useful MACs / (cycles x PEs)",
                               {pe.macs, num_pes, cycles},
                               [](const std::vector<double>& v) {
                                 return v[1] > 0 && v[2] > 0 ? v[0] / (v[1] * v[2]) : 0.0;
                               }};
  sim::Formula pe_busy{
      *this,
      "pe_busy",
      "ratio",
      "PE busy cycles / (busy + idle): 1 - starvation and imbalance",
      {pe.busy_cycles, pe.idle_cycles},
      [](const std::vector<double>& v) { return v[0] + v[1] > 0 ? v[0] / (v[0] + v[1]) : 0.0; }};
};

}  // namespace qasim::arch::eie
