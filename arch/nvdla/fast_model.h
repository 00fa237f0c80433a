// The NVDLA fast timing model: per-layer cycles from the modeled causes, without stepping
// a clock. Layers run one after the other (the controller starts a layer when it sees the
// previous one's last output write done). Every message between units, and every DRAM
// request and response, costs one register hop (pipeline.h), as in the clocked model.
// Within a convolution, tiles are pipelined:
//
// - CDMA: tile t's loads (its weights when not resident, then its input rows: one DRAM
//   read per input-channel plane, or one for the whole chunk when the stripe covers the
//   plane) leave when tile t-1's loads are seen done and its CBUF half is free. With
//   double_buffer the half is free when tile t-2's compute is seen done (load t+1 overlaps
//   compute t); without, when tile t-1's is. The sim DRAM timing model (bandwidth,
//   latency, bursts, queueing) says when the loads are done.
// - CSC/CMAC/CACC (one unit, CONV): compute t starts when its loads are seen and compute
//   t-1 is done, and takes ceil(c/atomic_c) * ceil(k/atomic_k) * out_rows * out_w * R * S
//   cycles (one atom pair per cycle; a grouped conv pays this per group, so a depthwise
//   conv uses one lane).
// - SDP: after a tile's last channel chunk, ceil(outputs / sdp_throughput) cycles, in
//   order; then WDMA writes the tile's outputs (one DRAM write per output-channel plane,
//   or one when the stripe covers the planes). The DRAM port takes writes before reads.
// - PDP and standalone SDP layers (pool, add, concat, rescale) are not streamed: the
//   inputs are read, then processed at pdp/sdp_throughput, then written.
// No unit pipeline depths beyond the hops are modeled (they would be per-tile constants).
// DRAM holds tensors in NCHW at element_bytes per value, weights [K, C/g, R, S].
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/nvdla/compiler.h"
#include "arch/nvdla/params.h"
#include "arch/nvdla/stats.h"
#include "arch/nvdla/work.h"
#include "sim/clock.h"
#include "sim/dram.h"
#include "sim/stats_report.h"
#include "workloads/graph.h"

namespace qasim::arch::nvdla {

struct LayerTiming {
  std::string name;
  Unit unit = Unit::None;
  uint64_t start = 0;       // cycle the layer began
  uint64_t cycles = 0;      // until its last output write was done
  uint64_t mac_cycles = 0;  // cycles the MAC array computed
  int64_t macs = 0;         // useful MACs
  size_t tiles = 0;
  double mac_utilization = 0;  // macs / (cycles * atomic_c * atomic_k)
};

struct FastResult {
  std::vector<LayerTiming> layers;  // one per graph layer (the input takes 0 cycles)
  uint64_t cycles = 0;
  double seconds = 0;            // at clock_mhz
  double frames_per_second = 0;  // one sample per run
  double mac_utilization = 0;
};

class FastModel {
 public:
  // Compiles `graph` (InputError when it cannot run); weights are not needed (a
  // shape-only graph times the same).
  FastModel(const workloads::Graph& graph, const NvdlaParams& params);

  // Times one sample through every layer; call once. Per-layer stats are recorded.
  FastResult run();

  const Program& program() const { return m_program; }
  const NvdlaStats& stats() const { return m_stats; }
  // Per-layer and total counts (finalized by run()): json(), csv().
  const sim::StatsRecorder& recorder() const { return *m_recorder; }

 private:
  struct PendingWrite {
    uint64_t cycle, addr, bytes;
  };
  LayerTiming run_conv(const LayerCommand& cmd, uint64_t start);
  LayerTiming run_unit(const LayerCommand& cmd, uint64_t start);
  // DRAM access at `cycle`, after the pending writes due by then.
  uint64_t read(uint64_t cycle, uint64_t addr, uint64_t bytes);
  void write_later(uint64_t cycle, uint64_t addr, uint64_t bytes);
  uint64_t flush_writes(uint64_t up_to);  // latest done cycle of the writes issued

  workloads::Graph m_graph;  // shapes and quantization only (weights dropped)
  NvdlaParams m_params;
  Program m_program;
  NvdlaStats m_stats;
  sim::ClockDomain m_clock;
  sim::Dram m_dram;
  std::vector<size_t> m_mac_label;      // per layer: index into cmac.mac
  DramLayout m_layout;                  // where each tensor lives
  std::vector<PendingWrite> m_pending;  // in nondecreasing cycle
  uint64_t m_writes_done = 0;
  std::unique_ptr<sim::StatsRecorder> m_recorder;
};

}  // namespace qasim::arch::nvdla
