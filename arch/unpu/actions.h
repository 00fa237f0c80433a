// The UNPU counters as cost-model actions (sim/cost/actions.h): per layer, what each
// component did. Counts only; the cost model prices them.
#pragma once

#include <vector>

#include "arch/unpu/params.h"
#include "sim/cost/actions.h"
#include "sim/stats_report.h"

namespace qasim::arch::unpu {

// One entry per recorded layer that did any work, from a finalized recorder of UnpuStats:
//   lut          "lut_write" {entry bits, entries} per entry written; "add" {entry bits} per
//                add that built an entry; "lut_read" {entry bits, entries} per entry read
//   adder_tree   "add" {entry bits + log2 luts_per_lbpe} per adder-tree add
//   shift_add    "shift_add" {lane bits} per plane shift-added into a lane (lane bits: the
//                tree width + max_weight_bits, at most accumulator_bits)
//   weight_mem, feature_mem  "sram_read"/"sram_write" {64}: bytes / 8
//   aggregation  "add" {accumulator bits} per partial sum (and bias) added
//   simd         "mult" {mulshift bits, accumulator bits} and "add" {accumulator bits} per op
//   dram         "dram_read"/"dram_write" bytes
std::vector<sim::cost::LayerActions> layer_actions(const sim::StatsRecorder& recorder,
                                                   const UnpuParams& p);

// The on-chip memories' word width in bits (an assumption: README.md).
inline constexpr int kMemoryWordBits = 64;

}  // namespace qasim::arch::unpu
