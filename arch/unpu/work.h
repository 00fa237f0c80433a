// What each unit does for a command, in plain C++, shared by the fast and the clocked model
// so that both issue the same DRAM requests, take the same cycles and count the same
// actions. The timing rules are written at the top of fast_model.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/common/dram_layout.h"
#include "arch/common/timing_graph.h"
#include "arch/unpu/compiler.h"
#include "arch/unpu/params.h"
#include "arch/unpu/stats.h"
#include "workloads/graph.h"

namespace qasim::arch::unpu {

// Activations NCHW at activation_bytes per value; weights [K, C/g, R, S] packed at their
// bit planes per weight; a reinterpretation shares its input's address. InputError when
// the network does not fit dram.capacity_bytes.
DramLayout plan_dram(const workloads::Graph& graph, const Program& program,
                     const UnpuParams& params);

// DMA: the tile's packed weights (when not resident; one read, or one per output channel
// for an input-channel pass), then its input window of the pass's channels: one read when
// it covers the planes, else one per input-channel plane (whole rows), else one per channel
// and input row (a column stripe).
std::vector<DramRequest> tile_loads(const workloads::Graph& graph, const LayerCommand& cmd,
                                    const Tile& t, const DramLayout& layout,
                                    const UnpuParams& params);
// DMA: the tile's outputs: one write when they cover whole planes, else one per output
// channel (whole rows), else one per channel and output row.
std::vector<DramRequest> tile_writes(const LayerCommand& cmd, const Tile& t,
                                     const DramLayout& layout, const UnpuParams& params);

// How a tile is laid over the LBPEs, shared by tile_work (closed form) and CoreSteps
// (core_steps.h, edge by edge). The reduction of one output is cut into `chunks` of one
// LBPE pass each; the chunks are split over `split` cores (a core group) whose partial
// sums meet in the aggregation core; the cores / split groups of lbpes_per_core LBPEs give
// `slots` work items at a time. A work item is one output pixel and `kg_per_lbpe` groups of
// `lanes` output channels (k_split items per pixel when there are fewer pixels than slots).
// Items run in `rounds`; each round reads `passes` LUT sets (one chunk per core each), a
// set being built in `build` cycles and read in `lookups` cycles (a cycle per lane group
// and weight plane).
struct CoreSchedule {
  uint64_t pixels = 0, kt = 0;  // output pixels and output channels of the tile
  uint64_t reduction = 0;       // products per output in this tile
  uint64_t lut_groups = 0;      // LUTs per pixel: ceil(reduction / activations per LUT)
  uint64_t luts_per_chunk = 0;  // luts_per_lbpe
  uint64_t chunks = 0, split = 1, passes = 0;
  uint64_t slots = 0, kgroups = 0, k_split = 1, kg_per_lbpe = 0, rounds = 0;
  uint64_t build = 0, lookups = 0;
  uint64_t step = 0;  // cycles per LUT set: max(build, lookups) double-buffered, else the sum
  // The tile's DNN-core cycles. Double-buffered: the first build, a step per set but the
  // last, whose reads end the tile (no next set to build); else sets x step.
  uint64_t cycles = 0;
  uint64_t sets() const { return rounds * passes; }
  uint64_t items() const { return pixels * k_split; }
  // LUTs of chunk `c` (the last chunk may hold fewer).
  uint64_t luts_in_chunk(uint64_t c) const;
  // Output channels of lane group `g` (0 past the last group).
  uint64_t lanes_in_group(uint64_t g, uint64_t lanes) const;
};
CoreSchedule core_schedule(const LayerCommand& cmd, const Tile& t, const UnpuParams& params);
// Adds one LUT's build costs: entries computed with an add (the others are zero or copies).
uint64_t build_adds_per_lut(const WeightCoding& coding, const UnpuParams& params);

// The DNN cores, the aggregation core and the SIMD core on one tile.
struct TileWork {
  uint64_t core_cycles = 0;  // DNN cores (LUT builds and bit-serial lookups)
  uint64_t agg_cycles = 0;   // aggregation core
  uint64_t simd_cycles = 0;  // SIMD core (requantization)
  uint64_t outputs = 0;
  uint64_t macs = 0;
  uint64_t lut_builds = 0, lut_writes = 0, lut_build_adds = 0, lut_reads = 0;
  uint64_t tree_adds = 0, shift_adds = 0;
  uint64_t weight_mem_reads = 0, weight_mem_writes = 0;  // bytes
  uint64_t feature_mem_reads = 0, feature_mem_writes = 0;
  uint64_t agg_adds = 0;
};
TileWork tile_work(const LayerCommand& cmd, const Tile& t, const UnpuParams& params);
// Adds the DNN-core counts of a tile (not its cycles).
void count_core_work(const TileWork& w, UnpuStats& stats);

// A SIMD-core layer: read its inputs, process, write its output.
struct SimdWork {
  std::vector<DramRequest> reads;
  DramRequest write;
  uint64_t ops = 0;          // elements, or window taps (pooling)
  uint64_t busy_cycles = 0;  // ops at simd_lanes per cycle
};
SimdWork simd_work(const workloads::Graph& graph, const LayerCommand& cmd, const DramLayout& layout,
                   const UnpuParams& params);

// Precision label of a weighted layer's MACs: "w<coding>a<input bits>".
std::string mac_label(const workloads::Graph& graph, const LayerCommand& cmd);
// Adds the labels of every LBPE layer to lbpe.mac; returns each layer's label index.
std::vector<size_t> add_mac_labels(const workloads::Graph& graph, const Program& program,
                                   LbpeStats& lbpe);
// The bit-MAC slots of `cycles` at the weight coding of `cmd` (the multi-bit chunk for
// layers without weights).
uint64_t lane_slots(const LayerCommand& cmd, uint64_t cycles, const UnpuParams& params);

}  // namespace qasim::arch::unpu
