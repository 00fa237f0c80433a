// The EIE cycle mode: SystemC modules stepped clock by clock, one process per unit: the
// controller (layer and job sequencing, the activation gather, the LNZD broadcast, DRAM
// weight loads), the PE array (one process for all PEs: each pops its activation queue, a
// sim::Channel of depth queue_depth, and works through its CSC entries, then writes back),
// and the PPU. Per-layer cycles and every counter equal the fast model's (fast_model.h has
// the rules; tests/arch/eie_cycle_test.cpp checks it). It carries timing and counts; the
// values come from executor.h.
//
// SystemC elaborates once per process: construct and run one CycleModel per process.
#pragma once

#include <memory>

#include "arch/eie/fast_model.h"

namespace qasim::arch::eie {

class CycleModel {
 public:
  CycleModel(const workloads::Graph& graph, const EieParams& params,
             const kernels::IntTensor& input);

  EieResult run();  // elaborates, runs to the last layer, finalizes the stats

  const Program& program() const { return m_prep.program; }
  const EieStats& stats() const { return m_stats; }
  const sim::StatsRecorder& recorder() const { return *m_recorder; }

 private:
  Prepared m_prep;
  EieStats m_stats;
  sim::ClockDomain m_clock;
  sim::Dram m_dram;
  std::unique_ptr<sim::StatsRecorder> m_recorder;
};

}  // namespace qasim::arch::eie
