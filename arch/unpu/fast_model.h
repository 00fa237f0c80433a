// The UNPU fast timing model: per-layer cycles from the modeled causes, without stepping a
// clock. The clocked model (cycle_model.h) has the same units, hops and DRAM model and
// gives the same cycles and counts.
//
// Units and hops: the controller sends a layer's command to the DMA loader, the DNN cores,
// the aggregation core, the SIMD core and the DMA writer; every message between units and
// every DRAM request and response crosses one register stage (sent at edge c, seen at
// c + 1). Layers run one after the other: the controller starts a layer at the edge it sees
// the writer's "layer done".
//
// An LBPE layer's tiles are pipelined:
// - Loader: tile t's loads (its packed weights when not resident, then its input rows)
//   leave when tile t-1's loads are seen done and its memory half is free: with
//   double_buffer when tile t-2's compute is seen done, else tile t-1's. The DRAM model
//   (bandwidth, latency, bursts, queueing; writes before reads at one edge) says when.
// - DNN cores: tile t starts when its loads are seen and tile t-1 is computed, and takes
//   (work.h CoreSchedule) B + (sets - 1) * step + L cycles with double-buffered LUTs
//   (sets * (B + L) without), where a set is one LUT set per LBPE: sets = rounds *
//   ceil(chunks / core_split), step = max(B, L), B = ceil(2^lut_inputs / lut_fill_entries)
//   the LUT build, L = kgroups * planes its reads (planes the weight bits, kgroups the
//   groups of `lanes` output channels per LBPE), rounds the pixel rounds over the LBPEs,
//   chunks = ceil(reduction / (luts_per_lbpe * activations per LUT)). The cycle mode steps
//   the same schedule edge by edge (core_steps.h).
// - Aggregation core: ceil(outputs * core_split / aggregation_rate) cycles per tile, in
//   order; at a tile's last input-channel pass (every tile of a layer without passes) the
//   SIMD core then requantizes at simd_lanes per cycle and the writer writes the outputs.
// A SIMD-core layer (pool, add, concat, rescale): the loader reads its inputs, the SIMD core
// processes ops / simd_lanes cycles, the writer writes the output.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/unpu/compiler.h"
#include "arch/unpu/params.h"
#include "arch/unpu/stats.h"
#include "arch/unpu/work.h"
#include "sim/clock.h"
#include "sim/dram.h"
#include "sim/stats_report.h"
#include "workloads/graph.h"

namespace qasim::arch::unpu {

inline constexpr uint64_t kHop = 1;  // one register stage per message

// When a tile held its memory half (edges, both models): the loader issues its DMA reads
// at load_start and the data is written into the half up to load_done (the edge the loader
// reports it loaded); the DNN cores read it from compute_start to compute_done - 1 and
// report the half free at compute_done.
struct TileSpan {
  uint64_t load_start = 0, load_done = 0, compute_start = 0, compute_done = 0;
};

struct LayerTiming {
  std::string name;
  Unit unit = Unit::None;
  uint64_t start = 0;
  uint64_t cycles = 0;       // until its last output write was seen done
  uint64_t core_cycles = 0;  // cycles the DNN cores computed
  int64_t macs = 0;
  size_t tiles = 0;
  double utilization = 0;            // bit-MACs / lane slots at the layer's weight precision
  std::vector<TileSpan> tile_spans;  // LBPE layers: one per tile
};

struct TimingResult {
  std::vector<LayerTiming> layers;  // one per graph layer
  uint64_t cycles = 0;
  double seconds = 0;
  double frames_per_second = 0;
  double utilization = 0;
};

// Completes a layer's record and its per-layer counters (both models).
void finish_layer(const LayerCommand& cmd, const UnpuParams& params, LayerTiming& lt,
                  UnpuStats& stats);
// Completes the run's record (both models).
TimingResult finish_run(std::vector<LayerTiming> layers, const sim::ClockDomain& clock,
                        const UnpuStats& stats);

class FastModel {
 public:
  // Compiles `graph` (InputError when it cannot run); weights are not needed.
  FastModel(const workloads::Graph& graph, const UnpuParams& params);

  TimingResult run();  // call once

  const Program& program() const { return m_program; }
  const UnpuStats& stats() const { return m_stats; }
  const sim::StatsRecorder& recorder() const { return *m_recorder; }

 private:
  struct PendingWrite {
    uint64_t cycle, addr, bytes;
  };
  LayerTiming run_lbpe(const LayerCommand& cmd, uint64_t start);
  LayerTiming run_simd(const LayerCommand& cmd, uint64_t start);
  uint64_t read(uint64_t cycle, uint64_t addr, uint64_t bytes);
  uint64_t flush_writes(uint64_t up_to);

  workloads::Graph m_graph;
  UnpuParams m_params;
  Program m_program;
  UnpuStats m_stats;
  sim::ClockDomain m_clock;
  sim::Dram m_dram;
  DramLayout m_layout;
  std::vector<size_t> m_mac_label;
  std::vector<PendingWrite> m_pending;
  uint64_t m_writes_done = 0;
  std::unique_ptr<sim::StatsRecorder> m_recorder;
};

}  // namespace qasim::arch::unpu
