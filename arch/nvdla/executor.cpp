#include "arch/nvdla/executor.h"

#include <stdexcept>

#include "arch/common/execute_layers.h"
#include "kernels/ops.h"

namespace qasim::arch::nvdla {

using kernels::AccTensor;
using kernels::IntTensor;
using workloads::Graph;
using workloads::Layer;
using workloads::OpKind;

namespace {

// CMAC + CACC for one tile: adds the tile's channel chunk into the accumulators `acc`
// ([N, K, OH, OW] of the whole layer), exactly in int64.
void accumulate_tile(const Layer& l, const kernels::QuantParams& xq, const ConvShape& s,
                     const ConvTile& t, const IntTensor& x, AccTensor& acc) {
  const kernels::ConvGeometry& g = s.geometry;
  const int64_t n_count = x.dim(0);
  const int32_t x_zp = xq.zero_point_at(0);
  const int cg = s.group_in();
  const int taps = g.kernel_h * g.kernel_w;
  for (int64_t n = 0; n < n_count; ++n)
    for (int k = t.k0; k < t.k1; ++k) {
      const int oc = t.group * s.group_out() + k;
      const int32_t w_zp = l.weight_q.zero_point_at(oc);
      const int32_t* w = l.weights.data() + int64_t{oc} * cg * taps;
      for (int oy = t.oy0; oy < t.oy1; ++oy)
        for (int ox = 0; ox < s.out_w; ++ox) {
          int64_t sum = 0;
          for (int c = t.c0; c < t.c1; ++c) {
            const int ic = t.group * cg + c;
            const int32_t* plane = x.data() + ((n * s.in_c + ic) * s.in_h) * s.in_w;
            for (int r = 0; r < g.kernel_h; ++r) {
              const int iy = oy * g.stride_h - g.pad_top + r * g.dilation_h;
              if (iy < 0 || iy >= s.in_h) continue;  // padding is x_zp: contributes 0
              for (int q = 0; q < g.kernel_w; ++q) {
                const int ix = ox * g.stride_w - g.pad_left + q * g.dilation_w;
                if (ix < 0 || ix >= s.in_w) continue;
                sum += int64_t{plane[int64_t{iy} * s.in_w + ix] - x_zp} *
                       (w[(int64_t{c} * g.kernel_h + r) * g.kernel_w + q] - w_zp);
              }
            }
          }
          int64_t& a = acc[((n * s.out_c + oc) * s.out_h + oy) * s.out_w + ox];
          if (t.first_chunk) a = l.has_bias && !l.bias.empty() ? l.bias[oc] : 0;
          a += sum;
        }
    }
}

// CACC after the last chunk (overflow rule) and SDP (requantize, activation clamp) for the
// outputs of one tile.
void finish_tile(const ConvShape& s, const ConvTile& t, const kernels::Numerics& numerics,
                 const kernels::Requantizer& requant, AccTensor& acc, IntTensor& y) {
  const int64_t n_count = y.dim(0);
  const int64_t row = s.out_w;
  const int64_t count = int64_t{t.oy1 - t.oy0} * row;
  for (int64_t n = 0; n < n_count; ++n)
    for (int k = t.k0; k < t.k1; ++k) {
      const int oc = t.group * s.group_out() + k;
      const int64_t base = ((n * s.out_c + oc) * s.out_h + t.oy0) * row;
      AccTensor part({count}, std::vector<int64_t>(acc.data() + base, acc.data() + base + count));
      kernels::apply_overflow(part, numerics.accumulator);
      for (int64_t e = 0; e < count; ++e) y[base + e] = requant.apply(part[e], oc);
    }
}

IntTensor run_pdp_or_sdp(const Graph& g, const Layer& l, const std::vector<const IntTensor*>& in,
                         const kernels::Numerics& numerics) {
  const auto in_q = [&](size_t k) -> const kernels::QuantParams& {
    return g.layers[l.inputs[k]].output_q;
  };
  const auto [lo, hi] = kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
  const workloads::Shape3 os = l.output_shape;
  switch (l.kind) {
    case OpKind::MaxPool: {
      IntTensor y = kernels::max_pool(*in[0], l.geometry);
      return l.output_q == in_q(0) ? y : kernels::rescale(y, in_q(0), l.output_q, numerics);
    }
    case OpKind::AvgPool:
      return kernels::avg_pool(*in[0], in_q(0), l.geometry, l.count_include_pad, l.output_q,
                               numerics);
    case OpKind::GlobalAvgPool:
      return kernels::global_avg_pool(*in[0], in_q(0), l.output_q, numerics)
          .reshaped({in[0]->dim(0), os.c, os.h, os.w});
    case OpKind::Add:
      return kernels::add(*in[0], in_q(0), *in[1], in_q(1), l.output_q, numerics, lo, hi);
    case OpKind::Concat: {
      // Each input is written (rescaled by SDP where its scale differs) at its channel
      // offset of the output surface.
      const int64_t n = in[0]->dim(0), plane = int64_t{os.h} * os.w;
      IntTensor y({n, os.c, os.h, os.w});
      int64_t offset = 0;
      for (size_t k = 0; k < in.size(); ++k) {
        const IntTensor part = in_q(k) == l.output_q
                                   ? *in[k]
                                   : kernels::rescale(*in[k], in_q(k), l.output_q, numerics);
        const int64_t ch = part.dim(1);
        for (int64_t b = 0; b < n; ++b)
          std::copy_n(part.data() + b * ch * plane, ch * plane,
                      y.data() + (b * os.c + offset) * plane);
        offset += ch;
      }
      return y;
    }
    case OpKind::Flatten: {
      IntTensor y = in[0]->reshaped({in[0]->dim(0), os.c, os.h, os.w});
      return l.output_q == in_q(0) ? y : kernels::rescale(y, in_q(0), l.output_q, numerics);
    }
    default:
      throw std::logic_error("nvdla: not a PDP/SDP layer: " + l.name);
  }
}

}  // namespace

IntTensor execute_conv(const Graph& graph, const LayerCommand& cmd,
                       const kernels::Numerics& numerics, const IntTensor& x_in) {
  const Layer& l = graph.layers[cmd.layer];
  const ConvShape& s = cmd.conv;
  const IntTensor x = x_in.reshaped({x_in.dim(0), s.in_c, s.in_h, s.in_w});
  const kernels::QuantParams& xq = graph.layers[l.inputs[0]].output_q;
  const auto [lo, hi] = kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
  const kernels::Requantizer requant(numerics, xq.scale[0], l.weight_q.scale, l.output_q, lo, hi);
  AccTensor acc({x.dim(0), s.out_c, s.out_h, s.out_w});
  IntTensor y({x.dim(0), s.out_c, s.out_h, s.out_w});
  for (const ConvTile& t : cmd.tiles) {
    accumulate_tile(l, xq, s, t, x, acc);
    if (t.last_chunk) finish_tile(s, t, numerics, requant, acc, y);
  }
  return y;
}

std::vector<IntTensor> execute(const Graph& graph, const Program& program,
                               const NvdlaParams& params, const IntTensor& input) {
  const kernels::Numerics numerics = params.numerics();
  return execute_layers(
      graph, input, [&](size_t i) { return program.layers.at(i).unit == Unit::None; },
      [&](size_t i, const std::vector<const IntTensor*>& in) {
        const LayerCommand& cmd = program.layers.at(i);
        if (cmd.unit == Unit::Conv) return execute_conv(graph, cmd, numerics, *in[0]);
        return run_pdp_or_sdp(graph, graph.layers[i], in, numerics);
      });
}

}  // namespace qasim::arch::nvdla
