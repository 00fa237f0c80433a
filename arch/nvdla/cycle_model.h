// The NVDLA cycle mode: SystemC modules stepped clock by clock, one process per unit
// (controller, CDMA, CONV = CSC+CMAC+CACC, SDP, WDMA, standalone PDP/SDP, DRAM port).
// Per-layer cycles and counts equal the fast model's (the same work.h steps, the same hops,
// the same DRAM model); tests/arch/nvdla_cycle_test.cpp checks that. It carries timing and
// counts, not values: the bit-exact values come from executor.h.
//
// SystemC elaborates once per process: construct and run one CycleModel per process (a
// worker process per design point, or a forked child in tests).
#pragma once

#include <memory>

#include "arch/nvdla/fast_model.h"

namespace qasim::arch::nvdla {

class CycleModel {
 public:
  // Compiles `graph` (InputError when it cannot run).
  CycleModel(const workloads::Graph& graph, const NvdlaParams& params);

  // Elaborates the modules, runs them until the last layer is done, finalizes the stats.
  FastResult run();
  // Before run(): write a VCD waveform (GTKWave) of the clock, each unit's state and the
  // current layer to `path`. Tracing every edge of a big network makes a big file.
  void set_trace(std::string path) { m_trace_path = std::move(path); }

  const Program& program() const { return m_program; }
  const NvdlaStats& stats() const { return m_stats; }
  const sim::StatsRecorder& recorder() const { return *m_recorder; }

 private:
  workloads::Graph m_graph;
  NvdlaParams m_params;
  Program m_program;
  NvdlaStats m_stats;
  sim::ClockDomain m_clock;
  sim::Dram m_dram;
  DramLayout m_layout;
  std::vector<size_t> m_mac_label;
  std::unique_ptr<sim::StatsRecorder> m_recorder;
  std::string m_trace_path;
};

}  // namespace qasim::arch::nvdla
