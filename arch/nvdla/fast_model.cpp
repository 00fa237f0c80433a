#include "arch/nvdla/fast_model.h"

#include <algorithm>

#include "arch/common/run_totals.h"
#include "arch/nvdla/pipeline.h"

namespace qasim::arch::nvdla {

FastModel::FastModel(const workloads::Graph& graph, const NvdlaParams& params)
    : m_graph(timing_graph(graph)),
      m_params(params),
      m_program(compile(m_graph, params)),
      m_clock("nvdla", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats),
      m_layout(plan_dram(m_graph, m_program, params)) {
  m_mac_label = add_mac_labels(m_graph, m_stats.cmac);
  m_stats.cmac.array_size.set(params.macs());
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

uint64_t FastModel::flush_writes(uint64_t up_to) {
  size_t k = 0;
  for (; k < m_pending.size() && m_pending[k].cycle <= up_to; ++k) {
    const PendingWrite& w = m_pending[k];
    const sim::MemTiming t = m_dram.touch(w.cycle, sim::MemOp::Write, w.addr, w.bytes);
    m_writes_done = std::max(m_writes_done, t.done);
  }
  m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(k));
  return m_writes_done;
}

uint64_t FastModel::read(uint64_t cycle, uint64_t addr, uint64_t bytes) {
  flush_writes(cycle);
  return m_dram.touch(cycle, sim::MemOp::Read, addr, bytes).done;
}

void FastModel::write_later(uint64_t cycle, uint64_t addr, uint64_t bytes) {
  m_pending.push_back({cycle, addr, bytes});
}

LayerTiming FastModel::run_conv(const LayerCommand& cmd, uint64_t start) {
  LayerTiming lt;
  // The units see the command one hop after the controller sent it (pipeline.h).
  const uint64_t seen = start + kHop;
  std::vector<uint64_t> compute_done;
  uint64_t loaded = seen, compute_prev = seen, sdp_prev = seen;
  for (const ConvTile& t : cmd.tiles) {
    const size_t n = compute_done.size();
    const size_t lag = m_params.double_buffer ? 2 : 1;  // tile whose compute frees the half
    const uint64_t push = std::max(loaded, n >= lag ? compute_done[n - lag] + kHop : seen);
    const uint64_t issue = push + kHop;  // the DRAM port sees CDMA's requests one hop later
    const std::vector<DramRequest> loads = tile_loads(m_graph, cmd, t, m_layout, m_params);
    uint64_t done = 0;
    for (const DramRequest& r : loads) done = std::max(done, read(issue, r.addr, r.bytes));
    m_stats.cbuf.write_bytes += static_cast<uint64_t>(t.data_bytes) +
                                (t.load_weights ? static_cast<uint64_t>(t.weight_bytes) : 0);
    // CDMA sees the last response one hop after it is done and tells CONV at that edge.
    loaded = loads.empty() ? push : done + kHop;

    const uint64_t mac_cycles = tile_mac_cycles(cmd, t, m_params);
    compute_prev = std::max(loaded + kHop, compute_prev) + mac_cycles;
    compute_done.push_back(compute_prev);
    lt.mac_cycles += mac_cycles;
    m_stats.cbuf.read_bytes += tile_cbuf_read_bytes(cmd, t, m_params);

    if (t.last_chunk) {
      const uint64_t count = tile_outputs(cmd, t);
      const uint64_t sdp_cycles = (count + m_params.sdp_throughput - 1) / m_params.sdp_throughput;
      sdp_prev = std::max(compute_prev + kHop, sdp_prev) + sdp_cycles;
      m_stats.sdp.ops += count;
      m_stats.sdp.busy_cycles += sdp_cycles;
      // WDMA sees the tile one hop after SDP finished; the DRAM port sees its writes one
      // hop later.
      for (const DramRequest& w : tile_writes(cmd, t, m_layout, m_params))
        write_later(sdp_prev + 2 * kHop, w.addr, w.bytes);
    }
  }
  // WDMA sees its last write done one hop later and tells the controller (one more hop).
  const uint64_t end = flush_writes(UINT64_MAX) + 2 * kHop;
  lt.cycles = end - start;
  lt.tiles = cmd.tiles.size();
  lt.macs = conv_macs(cmd);
  m_stats.cmac.mac[m_mac_label[cmd.layer]] += static_cast<uint64_t>(lt.macs);
  m_stats.cmac.macs += static_cast<uint64_t>(lt.macs);
  m_stats.cmac.busy_cycles += lt.mac_cycles;
  return lt;
}

LayerTiming FastModel::run_unit(const LayerCommand& cmd, uint64_t start) {
  LayerTiming lt;
  if (cmd.unit == Unit::None) return lt;
  const UnitWork work = unit_work(m_graph, cmd, m_layout, m_params);
  // Command seen at start + 1, reads at the DRAM port at start + 2, responses seen one hop
  // after they are done; the write leaves when the unit finishes and is seen one hop later.
  uint64_t done = 0;
  for (const DramRequest& r : work.reads)
    done = std::max(done, read(start + 2 * kHop, r.addr, r.bytes));
  UnitStats& unit = cmd.unit == Unit::Pdp ? m_stats.pdp : m_stats.sdp;
  unit.ops += work.ops;
  unit.busy_cycles += work.busy_cycles;
  write_later(done + kHop + work.busy_cycles + kHop, work.write.addr, work.write.bytes);
  lt.cycles = flush_writes(UINT64_MAX) + 2 * kHop - start;
  return lt;
}

FastResult FastModel::run() {
  FastResult result;
  uint64_t now = 0;
  for (const LayerCommand& cmd : m_program.layers) {
    m_recorder->begin_layer(cmd.name);
    LayerTiming lt = cmd.unit == Unit::Conv ? run_conv(cmd, now) : run_unit(cmd, now);
    lt.name = cmd.name;
    lt.unit = cmd.unit;
    lt.start = now;
    lt.mac_utilization = lt.cycles ? static_cast<double>(lt.macs) /
                                         (static_cast<double>(lt.cycles) * m_params.macs())
                                   : 0.0;
    m_stats.cycles += lt.cycles;
    m_stats.cmac.idle_cycles += lt.cycles - lt.mac_cycles;
    now += lt.cycles;
    m_recorder->end_layer();
    result.layers.push_back(lt);
  }
  m_recorder->finalize();
  set_run_totals(result, now, m_clock);
  result.mac_utilization = m_stats.mac_utilization.value();
  return result;
}

}  // namespace qasim::arch::nvdla
