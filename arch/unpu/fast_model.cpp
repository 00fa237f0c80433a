#include "arch/unpu/fast_model.h"

#include <algorithm>

#include "arch/common/run_totals.h"

namespace qasim::arch::unpu {

void finish_layer(const LayerCommand& cmd, const UnpuParams& params, LayerTiming& lt,
                  UnpuStats& stats) {
  lt.name = cmd.name;
  lt.unit = cmd.unit;
  lt.tiles = cmd.tiles.size();
  const uint64_t slots = lane_slots(cmd, lt.cycles, params);
  lt.utilization =
      slots ? static_cast<double>(lt.macs) * cmd.coding.planes / static_cast<double>(slots) : 0.0;
  if (cmd.unit != Unit::Lbpe) lt.utilization = 0;
  stats.cycles += lt.cycles;
  stats.lbpe.idle_cycles += lt.cycles - lt.core_cycles;
  stats.lbpe.lane_slots += slots;
}

TimingResult finish_run(std::vector<LayerTiming> layers, const sim::ClockDomain& clock,
                        const UnpuStats& stats) {
  TimingResult r;
  r.layers = std::move(layers);
  set_run_totals(r, total_cycles(r.layers), clock);
  r.utilization = stats.utilization.value();
  return r;
}

FastModel::FastModel(const workloads::Graph& graph, const UnpuParams& params)
    : m_graph(timing_graph(graph)),
      m_params(params),
      m_program(compile(m_graph, params)),
      m_clock("unpu", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats),
      m_layout(plan_dram(m_graph, m_program, params)),
      m_mac_label(add_mac_labels(m_graph, m_program, m_stats.lbpe)) {
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

uint64_t FastModel::flush_writes(uint64_t up_to) {
  size_t k = 0;
  for (; k < m_pending.size() && m_pending[k].cycle <= up_to; ++k) {
    const PendingWrite& w = m_pending[k];
    m_writes_done =
        std::max(m_writes_done, m_dram.touch(w.cycle, sim::MemOp::Write, w.addr, w.bytes).done);
  }
  m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(k));
  return m_writes_done;
}

uint64_t FastModel::read(uint64_t cycle, uint64_t addr, uint64_t bytes) {
  flush_writes(cycle);  // the DRAM port takes writes before reads at one edge
  return m_dram.touch(cycle, sim::MemOp::Read, addr, bytes).done;
}

LayerTiming FastModel::run_lbpe(const LayerCommand& cmd, uint64_t start) {
  LayerTiming lt;
  const uint64_t seen = start + kHop;
  const size_t lag = m_params.double_buffer ? 2 : 1;  // tile whose compute frees the half
  std::vector<uint64_t> computed;
  uint64_t loaded = seen, core = seen, agg = seen, simd = seen;
  for (const Tile& t : cmd.tiles) {
    const size_t n = computed.size();
    const uint64_t push = std::max(loaded, n >= lag ? computed[n - lag] + kHop : seen);
    const std::vector<DramRequest> loads = tile_loads(m_graph, cmd, t, m_layout, m_params);
    uint64_t done = 0;
    for (const DramRequest& r : loads) done = std::max(done, read(push + kHop, r.addr, r.bytes));
    loaded = loads.empty() ? push : done + kHop;

    const TileWork w = tile_work(cmd, t, m_params);
    m_stats.weight_mem.write_bytes += w.weight_mem_writes;
    m_stats.feature_mem.write_bytes += w.feature_mem_writes;
    count_core_work(w, m_stats);
    const uint64_t compute_start = std::max(loaded + kHop, core);
    core = compute_start + w.core_cycles;
    computed.push_back(core);
    lt.tile_spans.push_back({push, loaded, compute_start, core});
    lt.core_cycles += w.core_cycles;
    agg = std::max(core + kHop, agg) + w.agg_cycles;
    m_stats.aggregation.ops += w.agg_adds;
    m_stats.aggregation.busy_cycles += w.agg_cycles;
    lt.macs += static_cast<int64_t>(w.macs);
    if (!t.last_pass) continue;  // the aggregation core keeps the partial sums
    simd = std::max(agg + kHop, simd) + w.simd_cycles;
    m_stats.simd.ops += w.outputs;
    m_stats.simd.busy_cycles += w.simd_cycles;
    // The writer sees the tile one hop after the SIMD core; the DRAM port one hop later.
    for (const DramRequest& r : tile_writes(cmd, t, m_layout, m_params))
      m_pending.push_back({simd + 2 * kHop, r.addr, r.bytes});
  }
  const uint64_t macs = static_cast<uint64_t>(lt.macs);
  m_stats.lbpe.mac[m_mac_label[cmd.layer]] += macs;
  m_stats.lbpe.macs += macs;
  m_stats.lbpe.bit_macs += macs * static_cast<uint64_t>(cmd.coding.planes);
  // The writer sees its last write done one hop later and tells the controller.
  lt.cycles = flush_writes(UINT64_MAX) + 2 * kHop - start;
  return lt;
}

LayerTiming FastModel::run_simd(const LayerCommand& cmd, uint64_t start) {
  LayerTiming lt;
  const SimdWork w = simd_work(m_graph, cmd, m_layout, m_params);
  // Loader sees the command at start + 1, the DRAM port its reads at start + 2; the SIMD
  // core sees "loaded" two hops after the last read is done.
  uint64_t done = 0;
  for (const DramRequest& r : w.reads)
    done = std::max(done, read(start + 2 * kHop, r.addr, r.bytes));
  const uint64_t simd = done + 2 * kHop + w.busy_cycles;
  m_stats.simd.ops += w.ops;
  m_stats.simd.busy_cycles += w.busy_cycles;
  m_pending.push_back({simd + 2 * kHop, w.write.addr, w.write.bytes});
  lt.cycles = flush_writes(UINT64_MAX) + 2 * kHop - start;
  return lt;
}

TimingResult FastModel::run() {
  std::vector<LayerTiming> layers;
  uint64_t now = 0;
  for (const LayerCommand& cmd : m_program.layers) {
    m_recorder->begin_layer(cmd.name);
    LayerTiming lt;
    if (cmd.unit == Unit::Lbpe) lt = run_lbpe(cmd, now);
    if (cmd.unit == Unit::Simd) lt = run_simd(cmd, now);
    lt.start = now;
    finish_layer(cmd, m_params, lt, m_stats);
    now += lt.cycles;
    m_recorder->end_layer();
    layers.push_back(lt);
  }
  m_recorder->finalize();
  return finish_run(std::move(layers), m_clock, m_stats);
}

}  // namespace qasim::arch::unpu
