#include "arch/nvdla/fast_model.h"

#include <fmt/format.h>

#include <algorithm>

#include "arch/nvdla/pipeline.h"

namespace qasim::arch::nvdla {

using workloads::Layer;
using workloads::OpKind;

namespace {

constexpr uint64_t kAlign = 4096;  // tensors start on their own DRAM pages

uint64_t ceil_div(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}
uint64_t align(uint64_t a) {
  return ceil_div(a, kAlign) * kAlign;
}

// The graph without its weights: the timing needs shapes and quantization only.
workloads::Graph shapes_only(const workloads::Graph& graph) {
  workloads::Graph g = graph;
  for (Layer& l : g.layers) l.weights = kernels::IntTensor();
  g.infer_shapes();
  return g;
}

}  // namespace

FastModel::FastModel(const workloads::Graph& graph, const NvdlaParams& params)
    : m_graph(shapes_only(graph)),
      m_params(params),
      m_program(compile(m_graph, params)),
      m_clock("nvdla", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats) {
  const uint64_t bpe = static_cast<uint64_t>(params.element_bytes());
  uint64_t next = 0;
  m_act_addr.resize(m_graph.layers.size());
  m_weight_addr.resize(m_graph.layers.size());
  m_mac_label.resize(m_graph.layers.size());
  for (size_t i = 0; i < m_graph.layers.size(); ++i) {
    const Layer& l = m_graph.layers[i];
    if (m_program.layers[i].unit == Unit::None && i > 0) {
      m_act_addr[i] = m_act_addr[l.inputs[0]];  // a reinterpretation shares its input
    } else {
      m_act_addr[i] = next;
      next = align(next + tensor_bytes(l.output_shape));
    }
    if (l.has_weights()) {
      m_weight_addr[i] = next;
      next = align(next + static_cast<uint64_t>(m_graph.weight_count(i)) * bpe);
      const std::string label =
          fmt::format("w{}a{}", l.weight_q.bits, m_graph.layers[l.inputs[0]].output_q.bits);
      const auto& labels = m_stats.cmac.mac.labels();
      m_mac_label[i] = std::find(labels.begin(), labels.end(), label) != labels.end()
                           ? m_stats.cmac.mac.index_of(label)
                           : m_stats.cmac.mac.add_label(label);
    }
  }
  if (next > static_cast<uint64_t>(params.dram.capacity_bytes))
    throw workloads::InputError(
        "nvdla", fmt::format("the network needs {} bytes of DRAM, more than dram.capacity_bytes {}",
                             next, params.dram.capacity_bytes));
  m_stats.cmac.array_size.set(params.macs());
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

uint64_t FastModel::tensor_bytes(const workloads::Shape3& s) const {
  return static_cast<uint64_t>(s.elements()) * static_cast<uint64_t>(m_params.element_bytes());
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
  const ConvShape& s = cmd.conv;
  const Layer& l = m_graph.layers[cmd.layer];
  const uint64_t bpe = static_cast<uint64_t>(m_params.element_bytes());
  const uint64_t taps = static_cast<uint64_t>(s.geometry.kernel_h) * s.geometry.kernel_w;
  const uint64_t cg = static_cast<uint64_t>(s.group_in()),
                 kg = static_cast<uint64_t>(s.group_out());
  const uint64_t in_plane = static_cast<uint64_t>(s.in_h) * s.in_w;
  const uint64_t out_plane = static_cast<uint64_t>(s.out_h) * s.out_w;
  const uint64_t in_addr = m_act_addr[l.inputs[0]], out_addr = m_act_addr[cmd.layer];
  const uint64_t w_addr = m_weight_addr[cmd.layer];

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
    uint64_t done = 0;
    bool requested = false;
    const uint64_t k_first = static_cast<uint64_t>(t.group) * kg + t.k0;
    const uint64_t c_first = static_cast<uint64_t>(t.group) * cg + t.c0;
    const uint64_t c_count = static_cast<uint64_t>(t.c1 - t.c0);
    if (t.load_weights) {
      requested = true;
      if (c_count == cg) {  // whole kernels: one contiguous run
        done = std::max(done, read(issue, w_addr + k_first * cg * taps * bpe,
                                   static_cast<uint64_t>(t.weight_bytes)));
      } else {
        for (int k = t.k0; k < t.k1; ++k)
          done =
              std::max(done, read(issue, w_addr + ((k_first + k - t.k0) * cg + t.c0) * taps * bpe,
                                  c_count * taps * bpe));
      }
      m_stats.cbuf.write_bytes += static_cast<uint64_t>(t.weight_bytes);
    }
    if (t.data_bytes > 0) {
      requested = true;
      const uint64_t rows = static_cast<uint64_t>(t.iy1 - t.iy0) * s.in_w * bpe;
      if (t.iy0 == 0 && t.iy1 == s.in_h) {  // whole planes: one contiguous run
        done = std::max(done, read(issue, in_addr + c_first * in_plane * bpe,
                                   static_cast<uint64_t>(t.data_bytes)));
      } else {
        for (uint64_t c = 0; c < c_count; ++c)
          done = std::max(
              done, read(issue, in_addr + ((c_first + c) * in_plane + t.iy0 * s.in_w) * bpe, rows));
      }
      m_stats.cbuf.write_bytes += static_cast<uint64_t>(t.data_bytes);
    }
    // CDMA sees the last response one hop after it is done and tells CONV at that edge.
    loaded = requested ? done + kHop : push;

    const uint64_t outputs = static_cast<uint64_t>(t.oy1 - t.oy0) * s.out_w;
    const uint64_t mac_cycles = ceil_div(c_count, m_params.atomic_c) *
                                ceil_div(t.k1 - t.k0, m_params.atomic_k) * outputs * taps;
    compute_prev = std::max(loaded + kHop, compute_prev) + mac_cycles;
    compute_done.push_back(compute_prev);
    lt.mac_cycles += mac_cycles;
    // CSC reads one atomic_c data entry per MAC cycle and each weight of the tile once
    // (CMAC holds the weights of an atom pair across the stripe's outputs).
    m_stats.cbuf.read_bytes +=
        mac_cycles * m_params.atomic_c * bpe + static_cast<uint64_t>(t.weight_bytes);

    if (t.last_chunk) {
      const uint64_t count = outputs * (t.k1 - t.k0);
      const uint64_t sdp_cycles = ceil_div(count, m_params.sdp_throughput);
      sdp_prev = std::max(compute_prev + kHop, sdp_prev) + sdp_cycles;
      // WDMA sees the tile one hop after SDP finished; the DRAM port sees its writes one
      // hop later.
      const uint64_t write_at = sdp_prev + 2 * kHop;
      m_stats.sdp.ops += count;
      m_stats.sdp.busy_cycles += sdp_cycles;
      if (t.oy0 == 0 && t.oy1 == s.out_h) {
        write_later(write_at, out_addr + k_first * out_plane * bpe, count * bpe);
      } else {
        for (int k = t.k0; k < t.k1; ++k)
          write_later(write_at,
                      out_addr + ((k_first + k - t.k0) * out_plane + t.oy0 * s.out_w) * bpe,
                      outputs * bpe);
      }
    }
  }
  // WDMA sees its last write done one hop later and tells the controller (one more hop).
  const uint64_t end = flush_writes(UINT64_MAX) + 2 * kHop;
  lt.cycles = end - start;
  lt.tiles = cmd.tiles.size();
  lt.macs = int64_t{s.out_c} * s.out_h * s.out_w * s.group_in() * static_cast<int64_t>(taps);
  m_stats.cmac.mac[m_mac_label[cmd.layer]] += static_cast<uint64_t>(lt.macs);
  m_stats.cmac.macs += static_cast<uint64_t>(lt.macs);
  m_stats.cmac.busy_cycles += lt.mac_cycles;
  return lt;
}

LayerTiming FastModel::run_unit(const LayerCommand& cmd, uint64_t start) {
  const Layer& l = m_graph.layers[cmd.layer];
  LayerTiming lt;
  if (cmd.unit == Unit::None) return lt;
  // Command seen at start + 1, reads at the DRAM port at start + 2, responses seen one hop
  // after they are done; the write leaves when the unit finishes and is seen one hop later.
  uint64_t done = 0;
  for (int in : l.inputs)
    done = std::max(done, read(start + 2 * kHop, m_act_addr[in],
                               tensor_bytes(m_graph.layers[in].output_shape)));
  const uint64_t out_elems = static_cast<uint64_t>(l.output_shape.elements());
  uint64_t ops = out_elems;
  if (l.kind == OpKind::MaxPool || l.kind == OpKind::AvgPool)
    ops = out_elems * static_cast<uint64_t>(l.geometry.kernel_h) * l.geometry.kernel_w;
  if (l.kind == OpKind::GlobalAvgPool)
    ops = static_cast<uint64_t>(m_graph.layers[l.inputs[0]].output_shape.elements());
  UnitStats& unit = cmd.unit == Unit::Pdp ? m_stats.pdp : m_stats.sdp;
  const uint64_t rate = static_cast<uint64_t>(cmd.unit == Unit::Pdp ? m_params.pdp_throughput
                                                                    : m_params.sdp_throughput);
  const uint64_t busy = ceil_div(ops, rate);
  unit.ops += ops;
  unit.busy_cycles += busy;
  write_later(done + kHop + busy + kHop, m_act_addr[cmd.layer], tensor_bytes(l.output_shape));
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
  result.cycles = now;
  result.seconds = m_clock.ns(now) * 1e-9;
  result.frames_per_second = result.seconds > 0 ? 1.0 / result.seconds : 0.0;
  result.mac_utilization = m_stats.mac_utilization.value();
  return result;
}

}  // namespace qasim::arch::nvdla
