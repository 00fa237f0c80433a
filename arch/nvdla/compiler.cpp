#include "arch/nvdla/compiler.h"

#include <fmt/format.h>

#include <algorithm>

#include "arch/common/layer_shape.h"
#include "workloads/errors.h"

namespace qasim::arch::nvdla {

using workloads::Graph;
using workloads::InputError;
using workloads::Layer;
using workloads::OpKind;

std::string to_string(Unit u) {
  switch (u) {
    case Unit::None:
      return "none";
    case Unit::Conv:
      return "conv";
    case Unit::Sdp:
      return "sdp";
    case Unit::Pdp:
      return "pdp";
  }
  return "?";
}

namespace {

// Narrower operands run on the datapath (sign- or zero-extended); wider ones cannot.
void check_precision(const Graph& g, const Layer& l, const NvdlaParams& p) {
  const int bits = p.datapath_bits();
  for (int in : l.inputs)
    if (const int act = g.layers[in].output_q.bits; act > bits)
      throw InputError(layer_place(g, l),
                       fmt::format("{}-bit activations do not run on the {} datapath "
                                   "(at most {} bits)",
                                   act, to_string(p.datapath), bits));
  if (l.has_weights() && l.weight_q.bits > bits)
    throw InputError(layer_place(g, l), fmt::format("{}-bit weights do not run on the {} datapath "
                                                    "(at most {} bits)",
                                                    l.weight_q.bits, to_string(p.datapath), bits));
}

// Input rows [first, last) that output rows [oy0, oy1) read, clamped to the image.
std::pair<int, int> input_rows(const ConvShape& s, int oy0, int oy1) {
  const kernels::ConvGeometry& g = s.geometry;
  return input_span(oy0, oy1, g.stride_h, g.pad_top, g.dilation_h, g.kernel_h, s.in_h);
}

// Candidate step sizes, largest first: the whole extent, then multiples of `atom` below it.
std::vector<int> steps(int extent, int atom) {
  std::vector<int> out{extent};
  for (int v = (extent - 1) / atom * atom; v >= atom; v -= atom) out.push_back(v);
  return out;
}

// Chooses c_step (fewest partial-sum passes first), then the largest k_step and row_step
// that fit; InputError when even one atomic chunk of one output row does not fit.
void choose_steps(const Graph& g, const Layer& l, const NvdlaParams& p, LayerCommand& cmd) {
  const ConvShape& s = cmd.conv;
  const int64_t bpe = p.element_bytes();
  const int64_t taps = int64_t{s.geometry.kernel_h} * s.geometry.kernel_w;
  for (int c : steps(s.group_in(), p.atomic_c)) {
    int k_step = 0;
    for (int k : steps(s.group_out(), p.atomic_k))
      if (int64_t{k} * c * taps * bpe <= p.weight_tile_bytes()) {
        k_step = k;
        break;
      }
    if (k_step == 0) continue;
    int row_step = 0;
    for (int r = s.out_h; r >= 1; --r) {
      // Size every stripe by the largest window (r rows starting anywhere); the first
      // stripe reads fewer rows because of the top padding.
      const int64_t rows =
          window_span(r, s.geometry.stride_h, s.geometry.dilation_h, s.geometry.kernel_h);
      if (std::min<int64_t>(rows, s.in_h) * s.in_w * c * bpe <= p.data_tile_bytes()) {
        row_step = r;
        break;
      }
    }
    if (row_step == 0) continue;
    cmd.c_step = c;
    cmd.k_step = k_step;
    cmd.row_step = row_step;
    return;
  }
  const int c = std::min(p.atomic_c, s.group_in());
  throw InputError(
      layer_place(g, l),
      fmt::format("does not fit the CBUF: {} channels x {} rows x {} columns of input ({} bytes) "
                  "and {} kernels of {} channels x {}x{} ({} bytes) against {} data and {} weight "
                  "bytes per tile",
                  c, std::min(s.geometry.kernel_h, s.in_h), s.in_w,
                  int64_t{c} * std::min(s.geometry.kernel_h, s.in_h) * s.in_w * bpe,
                  std::min(p.atomic_k, s.group_out()), c, s.geometry.kernel_h, s.geometry.kernel_w,
                  int64_t{std::min(p.atomic_k, s.group_out())} * c * taps * bpe,
                  p.data_tile_bytes(), p.weight_tile_bytes()));
}

// Order: group, output-channel group, row stripe, input-channel chunk (innermost, so the
// partial sums of a tile stay in CACC). With one chunk the weights of a channel group stay
// resident across its stripes; with several, each tile reloads its weights.
void make_tiles(const NvdlaParams& p, LayerCommand& cmd) {
  const ConvShape& s = cmd.conv;
  const int64_t bpe = p.element_bytes();
  const int64_t taps = int64_t{s.geometry.kernel_h} * s.geometry.kernel_w;
  const bool one_chunk = cmd.c_step >= s.group_in();
  for (int grp = 0; grp < s.geometry.groups; ++grp)
    for (int k0 = 0; k0 < s.group_out(); k0 += cmd.k_step)
      for (int oy0 = 0; oy0 < s.out_h; oy0 += cmd.row_step)
        for (int c0 = 0; c0 < s.group_in(); c0 += cmd.c_step) {
          ConvTile t;
          t.group = grp;
          t.k0 = k0;
          t.k1 = std::min(k0 + cmd.k_step, s.group_out());
          t.oy0 = oy0;
          t.oy1 = std::min(oy0 + cmd.row_step, s.out_h);
          t.c0 = c0;
          t.c1 = std::min(c0 + cmd.c_step, s.group_in());
          std::tie(t.iy0, t.iy1) = input_rows(s, t.oy0, t.oy1);
          t.first_chunk = c0 == 0;
          t.last_chunk = t.c1 == s.group_in();
          t.load_weights = !one_chunk || oy0 == 0;
          t.weight_bytes = int64_t{t.k1 - t.k0} * (t.c1 - t.c0) * taps * bpe;
          t.data_bytes = int64_t{t.c1 - t.c0} * std::max(t.iy1 - t.iy0, 0) * s.in_w * bpe;
          cmd.tiles.push_back(t);
        }
}

Unit unit_of(const Graph& g, const Layer& l) {
  switch (l.kind) {
    case OpKind::Input:
      return Unit::None;
    case OpKind::Conv:
    case OpKind::FullyConnected:
      return Unit::Conv;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool:
      return Unit::Pdp;
    case OpKind::Add:
    case OpKind::Concat:
      return Unit::Sdp;
    case OpKind::Flatten:
      return l.output_q == g.layers[l.inputs[0]].output_q ? Unit::None : Unit::Sdp;
  }
  return Unit::None;
}

}  // namespace

Program compile(const Graph& graph, const NvdlaParams& params) {
  NvdlaParams::schema().validate(params);
  Graph g = graph;
  g.infer_shapes();
  Program program;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    LayerCommand cmd;
    cmd.layer = i;
    cmd.name = l.name;
    cmd.kind = l.kind;
    cmd.unit = unit_of(g, l);
    if (cmd.unit != Unit::None) check_precision(g, l, params);
    if (cmd.unit == Unit::Conv) {
      cmd.conv = conv_shape(g, l);
      cmd.image_packed = params.image_input_packing && l.kind == OpKind::Conv && l.inputs[0] == 0 &&
                         cmd.conv.geometry.groups == 1 && cmd.conv.in_c < params.atomic_c;
      choose_steps(g, l, params, cmd);
      make_tiles(params, cmd);
    }
    program.layers.push_back(std::move(cmd));
  }
  return program;
}

}  // namespace qasim::arch::nvdla
