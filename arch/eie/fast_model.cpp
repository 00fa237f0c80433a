#include "arch/eie/fast_model.h"

#include <algorithm>

#include "arch/common/run_totals.h"
#include "arch/eie/executor.h"
#include "workloads/errors.h"

namespace qasim::arch::eie {

Prepared::Prepared(const workloads::Graph& g, const EieParams& p, const kernels::IntTensor& input)
    : graph(g), params(p) {
  graph.infer_shapes();
  program = compile(graph, params);
  const workloads::Shape3 s = graph.input().output_shape;
  if (input.rank() != 4 || input.dim(0) < 1 || input.dim(1) != s.c || input.dim(2) != s.h ||
      input.dim(3) != s.w)
    throw workloads::InputError(graph.name,
                                "the input tensor is not [N, " + workloads::to_string(s) + "]");
  const kernels::IntTensor first =
      input.dim(0) == 1
          ? input
          : kernels::IntTensor({1, s.c, s.h, s.w},
                               std::vector<int32_t>(input.data(), input.data() + s.elements()));
  activations = execute(graph, program, params, first);
  uint64_t addr = 0;
  for (const LayerPlan& l : program.layers) {
    weight_addr.push_back(addr);
    if (l.unit == Unit::Spmv) addr += static_cast<uint64_t>(program.weight_bytes(l, p));
  }
}

void init_stats(EieStats& stats, int num_pes) {
  for (int k = 0; k < num_pes; ++k) stats.pe.busy.add_label("pe" + std::to_string(k));
  stats.num_pes.set(num_pes);
}

void close_layer(EieStats& stats, uint64_t start, uint64_t end, uint64_t busy_before, int num_pes) {
  stats.cycles += end - start;
  stats.pe.idle_cycles +=
      (end - start) * uint64_t(num_pes) - (stats.pe.busy_cycles.value() - busy_before);
}

void LayerMeter::begin(uint64_t start) {
  m_start = start;
  m_macs = m_stats.pe.macs.value();
  m_stalls = m_stats.lnzd.stall_cycles.value();
  m_spmvs = m_stats.spmvs.value();
  m_busy.assign(size_t(m_pes), 0);
  for (int k = 0; k < m_pes; ++k) m_busy[k] = m_stats.pe.busy.value(k);
}

LayerTiming LayerMeter::finish(const LayerPlan& plan, uint64_t end) {
  LayerTiming lt;
  lt.name = plan.name;
  lt.unit = plan.unit;
  lt.start = m_start;
  lt.cycles = end - m_start;
  lt.macs = static_cast<int64_t>(m_stats.pe.macs.value() - m_macs);
  lt.stall_cycles = m_stats.lnzd.stall_cycles.value() - m_stalls;
  lt.spmvs = m_stats.spmvs.value() - m_spmvs;
  uint64_t sum = 0;
  for (int k = 0; k < m_pes; ++k) {
    const uint64_t busy = m_stats.pe.busy.value(k) - m_busy[k];
    sum += busy;
    lt.busiest_pe = std::max(lt.busiest_pe, busy);
  }
  lt.load_balance = lt.busiest_pe ? static_cast<double>(sum) / m_pes / lt.busiest_pe : 0.0;
  lt.mac_utilization =
      lt.cycles ? static_cast<double>(lt.macs) / (static_cast<double>(lt.cycles) * m_pes) : 0.0;
  return lt;
}

FastModel::FastModel(const workloads::Graph& graph, const EieParams& params,
                     const kernels::IntTensor& input)
    : m_prep(graph, params, input),
      m_clock("eie", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats) {
  init_stats(m_stats, params.num_pes);
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

uint64_t FastModel::run_job(const SpmvJob& job, uint64_t s) {
  const int n = m_prep.params.num_pes;
  const size_t depth = static_cast<size_t>(m_prep.params.queue_depth);
  const uint64_t g = job.gather_cycles;
  std::vector<uint64_t> finish(size_t(n), 0);
  // pop[k][i % depth]: when PE k popped item i, for the queue-room rule of item i + depth.
  std::vector<uint64_t> pop(size_t(n) * depth, 0);
  uint64_t b_prev = 0;
  for (size_t i = 0; i < job.columns.size(); ++i) {
    uint64_t b = i == 0 ? s + g : b_prev + 1;
    if (i >= depth)
      for (int k = 0; k < n; ++k) b = std::max(b, pop[size_t(k) * depth + i % depth] + 1);
    if (i > 0) m_stats.lnzd.stall_cycles += b - (b_prev + 1);
    for (int k = 0; k < n; ++k) {
      const uint64_t p = std::max(b + 1, finish[k]);
      const uint32_t w = job.pe_cycles(k, i);
      pop[size_t(k) * depth + i % depth] = p;
      finish[k] = p + w;
      m_stats.pe.busy[size_t(k)] += w;
      m_stats.pe.busy_cycles += w;
    }
    b_prev = b;
  }
  uint64_t end = s + g + 1;
  for (uint64_t f : finish) end = std::max(end, f);
  count_job(job, m_prep.params, m_stats);
  // Done at end + W, seen by the controller one cycle later.
  return end + job.write_cycles + 1;
}

EieResult FastModel::run() {
  EieResult result;
  LayerMeter meter(m_stats, m_prep.params.num_pes);
  uint64_t now = 0;
  for (size_t i = 0; i < m_prep.program.layers.size(); ++i) {
    const LayerPlan& plan = m_prep.program.layers[i];
    m_recorder->begin_layer(plan.name);
    meter.begin(now);
    const LayerWork work =
        layer_work(m_prep.graph, m_prep.program, i, m_prep.params, m_prep.activations);
    const uint64_t start = now;
    const uint64_t busy_before = m_stats.pe.busy_cycles.value();
    if (work.weight_bytes)
      now = std::max(
          now, m_dram.touch(now, sim::MemOp::Read, m_prep.weight_addr[i], work.weight_bytes).done);
    for (const SpmvJob& job : work.jobs) now = run_job(job, now);
    if (plan.unit == Unit::Ppu) {
      m_stats.ppu.ops += work.ppu_ops;
      m_stats.ppu.busy_cycles += work.ppu_cycles;
      now += work.ppu_cycles + 2;
    }
    close_layer(m_stats, start, now, busy_before, m_prep.params.num_pes);
    m_recorder->end_layer();
    result.layers.push_back(meter.finish(plan, now));
  }
  m_recorder->finalize();
  set_run_totals(result, now, m_clock);
  result.mac_utilization = m_stats.mac_utilization.value();
  return result;
}

}  // namespace qasim::arch::eie
