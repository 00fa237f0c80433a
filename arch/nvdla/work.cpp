#include "arch/nvdla/work.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "arch/common/int_math.h"
#include "workloads/errors.h"

namespace qasim::arch::nvdla {

using workloads::Layer;
using workloads::OpKind;

namespace {

uint64_t tensor_bytes(const workloads::Shape3& s, const NvdlaParams& p) {
  return u64(s.elements()) * u64(p.element_bytes());
}

}  // namespace

DramLayout plan_dram(const workloads::Graph& graph, const Program& program,
                     const NvdlaParams& params) {
  DramSizing sizing;
  sizing.aliases_input = [&](size_t i) { return program.layers[i].unit == Unit::None; };
  sizing.output_bytes = [&](size_t i) {
    return tensor_bytes(graph.layers[i].output_shape, params);
  };
  sizing.weight_bytes = [&](size_t i) -> std::optional<uint64_t> {
    if (!graph.layers[i].has_weights()) return std::nullopt;
    return u64(graph.weight_count(i)) * u64(params.element_bytes());
  };
  return plan_dram_pages(graph, sizing, "nvdla", params.dram.capacity_bytes);
}

std::vector<DramRequest> tile_loads(const workloads::Graph& graph, const LayerCommand& cmd,
                                    const ConvTile& t, const DramLayout& layout,
                                    const NvdlaParams& params) {
  const ConvShape& s = cmd.conv;
  const uint64_t bpe = u64(params.element_bytes());
  const uint64_t taps = u64(s.geometry.kernel_h) * u64(s.geometry.kernel_w);
  const uint64_t cg = u64(s.group_in()), kg = u64(s.group_out());
  const uint64_t in_plane = u64(s.in_h) * u64(s.in_w);
  const uint64_t k_first = u64(t.group) * kg + u64(t.k0);
  const uint64_t c_first = u64(t.group) * cg + u64(t.c0);
  const uint64_t c_count = u64(t.c1 - t.c0);
  const uint64_t w_addr = layout.weight[cmd.layer];
  const uint64_t in_addr = layout.act[graph.layers[cmd.layer].inputs[0]];
  std::vector<DramRequest> out;
  if (t.load_weights) {
    if (c_count == cg) {
      out.push_back({w_addr + k_first * cg * taps * bpe, u64(t.weight_bytes)});
    } else {
      for (uint64_t k = 0; k < u64(t.k1 - t.k0); ++k)
        out.push_back(
            {w_addr + ((k_first + k) * cg + u64(t.c0)) * taps * bpe, c_count * taps * bpe});
    }
  }
  if (t.data_bytes > 0) {
    if (t.iy0 == 0 && t.iy1 == s.in_h) {
      out.push_back({in_addr + c_first * in_plane * bpe, u64(t.data_bytes)});
    } else {
      const uint64_t rows = u64(t.iy1 - t.iy0) * u64(s.in_w) * bpe;
      for (uint64_t c = 0; c < c_count; ++c)
        out.push_back(
            {in_addr + ((c_first + c) * in_plane + u64(t.iy0) * u64(s.in_w)) * bpe, rows});
    }
  }
  return out;
}

std::vector<DramRequest> tile_writes(const LayerCommand& cmd, const ConvTile& t,
                                     const DramLayout& layout, const NvdlaParams& params) {
  const ConvShape& s = cmd.conv;
  const uint64_t bpe = u64(params.element_bytes());
  const uint64_t out_plane = u64(s.out_h) * u64(s.out_w);
  const uint64_t k_first = u64(t.group) * u64(s.group_out()) + u64(t.k0);
  const uint64_t rows = u64(t.oy1 - t.oy0) * u64(s.out_w);
  const uint64_t out_addr = layout.act[cmd.layer];
  if (t.oy0 == 0 && t.oy1 == s.out_h)
    return {{out_addr + k_first * out_plane * bpe, tile_outputs(cmd, t) * bpe}};
  std::vector<DramRequest> out;
  for (uint64_t k = 0; k < u64(t.k1 - t.k0); ++k)
    out.push_back(
        {out_addr + ((k_first + k) * out_plane + u64(t.oy0) * u64(s.out_w)) * bpe, rows * bpe});
  return out;
}

uint64_t tile_mac_cycles(const LayerCommand& cmd, const ConvTile& t, const NvdlaParams& params) {
  const kernels::ConvGeometry& g = cmd.conv.geometry;
  const uint64_t rows_and_k = ceil_div(u64(t.k1 - t.k0), u64(params.atomic_k)) *
                              u64(t.oy1 - t.oy0) * u64(cmd.conv.out_w) * u64(g.kernel_h);
  if (cmd.image_packed)  // one atom: C x kernel_w values of an input row
    return ceil_div(u64(t.c1 - t.c0) * u64(g.kernel_w), u64(params.atomic_c)) * rows_and_k;
  return ceil_div(u64(t.c1 - t.c0), u64(params.atomic_c)) * rows_and_k * u64(g.kernel_w);
}

uint64_t tile_outputs(const LayerCommand& cmd, const ConvTile& t) {
  return u64(t.k1 - t.k0) * u64(t.oy1 - t.oy0) * u64(cmd.conv.out_w);
}

uint64_t tile_cbuf_read_bytes(const LayerCommand& cmd, const ConvTile& t,
                              const NvdlaParams& params) {
  return tile_mac_cycles(cmd, t, params) * u64(params.atomic_c) * u64(params.element_bytes()) +
         u64(t.weight_bytes);
}

int64_t conv_macs(const LayerCommand& cmd) {
  const ConvShape& s = cmd.conv;
  return int64_t{s.out_c} * s.out_h * s.out_w * s.group_in() * s.geometry.kernel_h *
         s.geometry.kernel_w;
}

std::string mac_label(const workloads::Graph& graph, size_t layer) {
  const Layer& l = graph.layers[layer];
  return fmt::format("w{}a{}", l.weight_q.bits, graph.layers[l.inputs[0]].output_q.bits);
}

std::vector<size_t> add_mac_labels(const workloads::Graph& graph, CmacStats& cmac) {
  std::vector<size_t> index(graph.layers.size());
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    if (!graph.layers[i].has_weights()) continue;
    index[i] = label_index(cmac.mac, mac_label(graph, i));
  }
  return index;
}

UnitWork unit_work(const workloads::Graph& graph, const LayerCommand& cmd, const DramLayout& layout,
                   const NvdlaParams& params) {
  const Layer& l = graph.layers[cmd.layer];
  UnitWork w;
  for (int in : l.inputs)
    w.reads.push_back({layout.act[in], tensor_bytes(graph.layers[in].output_shape, params)});
  w.write = {layout.act[cmd.layer], tensor_bytes(l.output_shape, params)};
  const uint64_t out_elems = u64(l.output_shape.elements());
  w.ops = out_elems;
  if (l.kind == OpKind::MaxPool || l.kind == OpKind::AvgPool)
    w.ops = out_elems * u64(l.geometry.kernel_h) * u64(l.geometry.kernel_w);
  if (l.kind == OpKind::GlobalAvgPool)
    w.ops = u64(graph.layers[l.inputs[0]].output_shape.elements());
  const int rate = cmd.unit == Unit::Pdp ? params.pdp_throughput : params.sdp_throughput;
  w.busy_cycles = ceil_div(w.ops, u64(rate));
  return w;
}

}  // namespace qasim::arch::nvdla
