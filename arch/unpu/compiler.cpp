#include "arch/unpu/compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "arch/common/layer_shape.h"
#include "workloads/errors.h"

namespace qasim::arch::unpu {

using workloads::Graph;
using workloads::InputError;
using workloads::Layer;
using workloads::OpKind;

std::string to_string(Unit u) {
  switch (u) {
    case Unit::None:
      return "none";
    case Unit::Lbpe:
      return "lbpe";
    case Unit::Simd:
      return "simd";
  }
  return "?";
}

namespace {

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

void check_activations(const Graph& g, const Layer& l, const UnpuParams& p) {
  for (int in : l.inputs)
    if (const int bits = g.layers[in].output_q.bits; bits > p.activation_bits)
      throw InputError(layer_place(g, l),
                       fmt::format("{}-bit input activations do not fit the {}-bit activation "
                                   "datapath (activation_bits)",
                                   bits, p.activation_bits));
}

// The largest divisor of `cores` not above `chunks`: core groups that share the chunks.
int core_split(int cores, int64_t chunks) {
  for (int r = cores; r > 1; --r)
    if (cores % r == 0 && r <= chunks) return r;
  return 1;
}

int64_t packed_bytes(int64_t weights, int planes) {
  return ceil_div(weights * planes, 8);
}

// Output-channel steps, largest first: all of them, multiples of the lane count, then
// fewer channels than lanes.
std::vector<int> k_steps(int extent, int lanes) {
  std::vector<int> out{extent};
  for (int v = (extent - 1) / lanes * lanes; v >= lanes; v -= lanes) out.push_back(v);
  for (int v = std::min(extent, lanes) - 1; v >= 1; --v) out.push_back(v);
  return out;
}

// Chunks of `reduction` products and the core groups that share them.
void set_chunks(int64_t reduction, const UnpuParams& p, bool binary, int64_t& chunks, int& split) {
  chunks = ceil_div(reduction, p.chunk(binary));
  split = core_split(p.cores, chunks);
}

// Packed bytes of one core's share of `k` output channels' weights over `reduction`.
int64_t weights_per_core(int k, int64_t reduction, const UnpuParams& p, const WeightCoding& c) {
  int64_t chunks = 0;
  int split = 1;
  set_chunks(reduction, p, c.binary, chunks, split);
  return packed_bytes(int64_t{k} * ceil_div(chunks, split) * p.chunk(c.binary), c.planes);
}

void choose_steps(const Graph& graph, const Layer& l, const UnpuParams& p, LayerCommand& cmd) {
  const ConvShape& s = cmd.conv;
  const int64_t bpe = p.activation_bytes();
  const kernels::ConvGeometry& g = s.geometry;
  // Input rows x columns one output reads (its dilated window, clamped to the image).
  const int64_t win_h =
      std::min<int64_t>(window_span(1, g.stride_h, g.dilation_h, g.kernel_h), s.in_h);
  const int64_t win_w =
      std::min<int64_t>(window_span(1, g.stride_w, g.dilation_w, g.kernel_w), s.in_w);
  const int64_t window = win_h * win_w;
  const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
  // Input channels per pass: all of them when one output's window and one output
  // channel's weights fit, else the most that do (partial sums over passes).
  for (int c = s.group_in(); c >= 1; --c)
    if (window * c * bpe <= p.feature_tile_bytes() &&
        weights_per_core(1, c * taps, p, cmd.coding) <= p.weight_tile_bytes()) {
      cmd.c_step = c;
      break;
    }
  if (cmd.c_step == 0)
    throw InputError(
        layer_place(graph, l),
        fmt::format("one output needs {} x {} inputs ({} bytes) and {} weights at {} bits of "
                    "each input channel: one channel does not fit the {}-byte feature memory "
                    "tile or the {}-byte weight memory tile",
                    win_h, win_w, window * bpe, taps, cmd.coding.planes, p.feature_tile_bytes(),
                    p.weight_tile_bytes()));
  set_chunks(int64_t{cmd.c_step} * taps, p, cmd.coding.binary, cmd.chunks, cmd.core_split);
  for (int k : k_steps(s.group_out(), p.lanes))
    if (weights_per_core(k, int64_t{cmd.c_step} * taps, p, cmd.coding) <= p.weight_tile_bytes()) {
      cmd.k_step = k;
      break;
    }
  const auto fits = [&](int rows, int cols) {
    return std::min<int64_t>(window_span(rows, g.stride_h, g.dilation_h, g.kernel_h), s.in_h) *
               std::min<int64_t>(window_span(cols, g.stride_w, g.dilation_w, g.kernel_w), s.in_w) *
               cmd.c_step * bpe <=
           p.feature_tile_bytes();
  };
  // Whole rows when one fits (the most rows that do), else column stripes of one row; one
  // output always fits (c_step above).
  cmd.col_step = s.out_w;
  for (int r = s.out_h; r >= 1; --r)
    if (fits(r, s.out_w)) {
      cmd.row_step = r;
      return;
    }
  cmd.row_step = 1;
  for (int c = s.out_w - 1; c >= 1; --c)
    if (fits(1, c)) {
      cmd.col_step = c;
      return;
    }
  throw std::logic_error("unpu compiler: one output of " + l.name + " does not fit after all");
}

// Order: group, output-channel range, row stripe, column stripe, input-channel pass. A
// range's weights stay resident across its stripes when there is one pass; with several,
// each pass loads its channels' weights.
void make_tiles(const UnpuParams& p, LayerCommand& cmd) {
  const ConvShape& s = cmd.conv;
  const kernels::ConvGeometry& g = s.geometry;
  const bool passes = cmd.c_step < s.group_in();
  for (int grp = 0; grp < g.groups; ++grp)
    for (int k0 = 0; k0 < s.group_out(); k0 += cmd.k_step)
      for (int oy0 = 0; oy0 < s.out_h; oy0 += cmd.row_step)
        for (int ox0 = 0; ox0 < s.out_w; ox0 += cmd.col_step)
          for (int c0 = 0; c0 < s.group_in(); c0 += cmd.c_step) {
            Tile t;
            t.group = grp;
            t.k0 = k0;
            t.k1 = std::min(k0 + cmd.k_step, s.group_out());
            t.oy0 = oy0;
            t.oy1 = std::min(oy0 + cmd.row_step, s.out_h);
            t.ox0 = ox0;
            t.ox1 = std::min(ox0 + cmd.col_step, s.out_w);
            t.c0 = c0;
            t.c1 = std::min(c0 + cmd.c_step, s.group_in());
            t.last_pass = t.c1 == s.group_in();
            set_chunks(tile_reduction(cmd, t), p, cmd.coding.binary, t.chunks, t.core_split);
            std::tie(t.iy0, t.iy1) =
                input_span(t.oy0, t.oy1, g.stride_h, g.pad_top, g.dilation_h, g.kernel_h, s.in_h);
            // Whole input rows unless the layer needs column stripes (one DMA burst per row).
            std::tie(t.ix0, t.ix1) = cmd.col_step == s.out_w
                                         ? std::pair<int, int>{0, s.in_w}
                                         : input_span(t.ox0, t.ox1, g.stride_w, g.pad_left,
                                                      g.dilation_w, g.kernel_w, s.in_w);
            t.load_weights = passes || (oy0 == 0 && ox0 == 0);
            t.weight_bytes =
                packed_bytes(int64_t{t.k1 - t.k0} * tile_reduction(cmd, t), cmd.coding.planes);
            t.data_bytes = int64_t{t.c1 - t.c0} * std::max(t.iy1 - t.iy0, 0) *
                           std::max(t.ix1 - t.ix0, 0) * p.activation_bytes();
            cmd.tiles.push_back(t);
          }
}

Unit unit_of(const Graph& g, const Layer& l) {
  switch (l.kind) {
    case OpKind::Input:
      return Unit::None;
    case OpKind::Conv:
    case OpKind::FullyConnected:
      return Unit::Lbpe;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool:
    case OpKind::Add:
    case OpKind::Concat:
      return Unit::Simd;
    case OpKind::Flatten:
      return l.output_q == g.layers[l.inputs[0]].output_q ? Unit::None : Unit::Simd;
  }
  throw InputError(layer_place(g, l), "layer kind the UNPU compiler does not know");
}

}  // namespace

int64_t tile_reduction(const LayerCommand& cmd, const Tile& t) {
  return int64_t{t.c1 - t.c0} * cmd.conv.geometry.kernel_h * cmd.conv.geometry.kernel_w;
}

Program compile(const Graph& graph, const UnpuParams& params) {
  UnpuParams::schema().validate(params);
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
    if (cmd.unit != Unit::None) check_activations(g, l, params);
    if (cmd.unit == Unit::Lbpe) {
      cmd.coding = weight_coding(l.weight_q);
      if (cmd.coding.planes > params.max_weight_bits)
        throw InputError(layer_place(g, l),
                         fmt::format("{}-bit weights ({}) are wider than the LBPE's {} bit "
                                     "planes (max_weight_bits)",
                                     cmd.coding.planes, kernels::to_string(l.weight_q.scheme),
                                     params.max_weight_bits));
      cmd.conv = conv_shape(g, l);
      choose_steps(g, l, params, cmd);
      make_tiles(params, cmd);
    }
    program.layers.push_back(std::move(cmd));
  }
  return program;
}

}  // namespace qasim::arch::unpu
