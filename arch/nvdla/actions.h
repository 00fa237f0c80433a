// The NVDLA counters as cost-model actions (sim/cost/actions.h): per layer, what each
// component did. Counts only; the cost model prices them.
#pragma once

#include <vector>

#include "arch/nvdla/params.h"
#include "sim/cost/actions.h"
#include "sim/stats_report.h"

namespace qasim::arch::nvdla {

// One entry per recorded layer that did any work, from a finalized recorder of NvdlaStats.
//   cmac.mac[wXaY]  -> "mac" {X, Y, accumulator bits}, the useful MACs
//   cacc            -> "add" {accumulator bits}: one per atom pass per MAC cell
//   cbuf read/write -> "sram_read"/"sram_write" {bank width}: bytes / bank width
//   sdp.ops         -> "mult" {mulshift bits, accumulator bits} and "add" {accumulator bits}
//   pdp.ops         -> "add" {accumulator bits} per window tap
//   dram bytes      -> "dram_read"/"dram_write"
std::vector<sim::cost::LayerActions> layer_actions(const sim::StatsRecorder& recorder,
                                                   const NvdlaParams& p);

}  // namespace qasim::arch::nvdla
