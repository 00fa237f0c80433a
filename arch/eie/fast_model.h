// The EIE fast timing model: per-layer cycles without stepping a clock, from the same rules
// the clocked model (cycle_model.h) follows edge by edge. Timing rules (cycles of the one
// clock, counted from 0):
//
// - Layers run one after the other. A layer whose weights are not resident (the network does
//   not fit the PE SRAMs) first loads its compressed weights from DRAM (sim::Dram timing);
//   its first SpMV starts at the cycle the load is done.
// - An SpMV job starting at s: the activation unit gathers the im2col vector (g =
//   ceil(gathered / N) cycles, convolutions only); at s + g the controller hands the job to
//   the PE array (seen at s + g + 1) and the LNZD broadcasts the first non-zero activation.
// - Broadcast i is pushed into every PE queue at B_0 = s + g, B_i = max(B_{i-1} + 1,
//   max_k P_{k,i-D} + 1): one per cycle, and only while every queue (depth D) has room; a
//   slot freed by a pop at c is seen at c + 1. Each cycle lost to a full queue is a stall.
// - PE k pops item i at P_{k,i} = max(B_i + 1, F_{k,i-1}) (pushed at c, visible at c + 1) and
//   is busy w = max(1, entries of its part of the column) cycles: F_{k,i} = P_{k,i} + w.
// - The products end at E = max(s + g + 1, max_k F_{k,last}); write-back (requantize one
//   output per PE per cycle) takes W = the fullest PE's rows; at E + W the PE array reports
//   done, which the controller sees at E + W + 1: the next job's start.
// - A PPU layer starting at s is seen at s + 1, works ceil(ops / ppu_lanes) = c cycles, reports
//   done at s + 1 + c, seen at s + c + 2. Flatten and the input take no cycles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/eie/compiler.h"
#include "arch/eie/params.h"
#include "arch/eie/stats.h"
#include "arch/eie/work.h"
#include "kernels/tensor.h"
#include "sim/clock.h"
#include "sim/dram.h"
#include "sim/stats_report.h"
#include "workloads/graph.h"

namespace qasim::arch::eie {

struct LayerTiming {
  std::string name;
  Unit unit = Unit::None;
  uint64_t start = 0;
  uint64_t cycles = 0;
  uint64_t busiest_pe = 0;    // busy cycles of the busiest PE
  uint64_t stall_cycles = 0;  // broadcast stalls on a full queue
  int64_t macs = 0;
  size_t spmvs = 0;
  double mac_utilization = 0;  // macs / (cycles * N)
  double load_balance = 0;     // mean PE busy / busiest PE busy (1 = balanced)
};

struct EieResult {
  std::vector<LayerTiming> layers;
  uint64_t cycles = 0;
  double seconds = 0;
  double frames_per_second = 0;
  double mac_utilization = 0;
};

// What both models start from: the program, and every layer's activations for sample 0 of
// `input` (the timing follows the real non-zero pattern).
struct Prepared {
  Prepared(const workloads::Graph& graph, const EieParams& params, const kernels::IntTensor& input);
  workloads::Graph graph;
  EieParams params;
  Program program;
  std::vector<kernels::IntTensor> activations;
  std::vector<uint64_t> weight_addr;  // per layer: DRAM address of its compressed weights
};

// Per-layer bookkeeping shared by the models: snapshots of the counters at the layer start.
class LayerMeter {
 public:
  LayerMeter(const EieStats& stats, int num_pes) : m_stats(stats), m_pes(num_pes) {}
  void begin(uint64_t start);
  LayerTiming finish(const LayerPlan& plan, uint64_t end);

 private:
  const EieStats& m_stats;
  int m_pes;
  uint64_t m_start = 0, m_macs = 0, m_stalls = 0, m_spmvs = 0;
  std::vector<uint64_t> m_busy;
};

class FastModel {
 public:
  // Compiles and executes `graph` on sample 0 of `input` (InputError when it cannot run).
  FastModel(const workloads::Graph& graph, const EieParams& params,
            const kernels::IntTensor& input);

  EieResult run();  // once

  const Program& program() const { return m_prep.program; }
  const EieStats& stats() const { return m_stats; }
  const sim::StatsRecorder& recorder() const { return *m_recorder; }

 private:
  uint64_t run_job(const SpmvJob& job, uint64_t start);

  Prepared m_prep;
  EieStats m_stats;
  sim::ClockDomain m_clock;
  sim::Dram m_dram;
  std::unique_ptr<sim::StatsRecorder> m_recorder;
};

// Stat labels pe0..peN-1 and num_pes; shared by both models.
void init_stats(EieStats& stats, int num_pes);
// At a layer's end: its cycles, and the PE-cycles no PE worked (gather, write-back, stalls,
// imbalance, DRAM loads, PPU layers).
void close_layer(EieStats& stats, uint64_t start, uint64_t end, uint64_t busy_before, int num_pes);

}  // namespace qasim::arch::eie
