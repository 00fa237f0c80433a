// The UNPU cycle mode: SystemC modules stepped clock by clock, one process per unit
// (controller, DMA loader, DNN cores, aggregation core, SIMD core, DMA writer, DRAM port).
// Per-layer cycles and counts equal the fast model's (same work.h steps, hops and DRAM
// model); tests/arch/unpu_cycle_test.cpp checks that. Timing and counts only: the bit-exact
// values come from executor.h.
//
// SystemC elaborates once per process: construct and run one CycleModel per process.
#pragma once

#include <memory>

#include "arch/unpu/fast_model.h"

namespace qasim::arch::unpu {

class CycleModel {
 public:
  CycleModel(const workloads::Graph& graph, const UnpuParams& params);

  TimingResult run();  // elaborates, runs until the last layer is done, finalizes the stats

  const Program& program() const { return m_program; }
  const UnpuStats& stats() const { return m_stats; }
  const sim::StatsRecorder& recorder() const { return *m_recorder; }

 private:
  workloads::Graph m_graph;
  UnpuParams m_params;
  Program m_program;
  UnpuStats m_stats;
  sim::ClockDomain m_clock;
  sim::Dram m_dram;
  DramLayout m_layout;
  std::vector<size_t> m_mac_label;
  std::unique_ptr<sim::StatsRecorder> m_recorder;
};

}  // namespace qasim::arch::unpu
