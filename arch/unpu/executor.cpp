#include "arch/unpu/executor.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "arch/common/execute_layers.h"
#include "arch/unpu/lbpe.h"
#include "kernels/ops.h"
#include "workloads/golden_engine.h"

namespace qasim::arch::unpu {

using kernels::AccTensor;
using kernels::IntTensor;
using workloads::Graph;
using workloads::Layer;

namespace {

// The LUT indices of every output channel's weights over reduction elements
// [first, first + count) (one input-channel pass): per channel, plane-major
// [plane][lut group], so a lane reads one plane of a chunk contiguously.
std::vector<uint8_t> encode_weights(const Layer& l, const LayerCommand& cmd, int lut_inputs,
                                    int64_t first, int64_t count, int64_t groups_per_out) {
  const int64_t rd = cmd.conv.reduction();
  const WeightCoding& c = cmd.coding;
  const int planes = c.planes;
  std::vector<uint8_t> index(static_cast<size_t>(cmd.conv.out_c * groups_per_out * planes), 0);
  for (int oc = 0; oc < cmd.conv.out_c; ++oc) {
    const int32_t* w = l.weights.data() + int64_t{oc} * rd + first;
    uint8_t* out = index.data() + static_cast<size_t>(oc) * groups_per_out * planes;
    for (int64_t e = 0; e < count; ++e) {
      const int64_t g = e / lut_inputs;
      const int bit = static_cast<int>(e % lut_inputs);
      for (int b = 0; b < planes; ++b)
        out[static_cast<size_t>(b * groups_per_out + g)] |=
            static_cast<uint8_t>(weight_bit(w[e], b, c) << bit);
    }
  }
  return index;
}

}  // namespace

AccTensor accumulate_lbpe(const Graph& graph, const LayerCommand& cmd, const UnpuParams& p,
                          const IntTensor& x_in) {
  const Layer& l = graph.layers[cmd.layer];
  const ConvShape& s = cmd.conv;
  const kernels::ConvGeometry& geo = s.geometry;
  const IntTensor x = x_in.reshaped({x_in.dim(0), s.in_c, s.in_h, s.in_w});
  const int32_t x_zp = graph.layers[l.inputs[0]].output_q.zero_point_at(0);
  const WeightCoding& coding = cmd.coding;
  const LutShape shape = lut_shape(p, coding);
  const int L = shape.inputs;
  const int entries = shape.entries;
  const int64_t taps = int64_t{geo.kernel_h} * geo.kernel_w;
  // Per input-channel pass (first channel c0): its LUT groups and weight indices.
  std::map<int, std::vector<uint8_t>> indices;
  for (const Tile& t : cmd.tiles)
    if (!indices.count(t.c0)) {
      const int64_t count = tile_reduction(cmd, t);
      indices[t.c0] = encode_weights(l, cmd, L, int64_t{t.c0} * taps, count, (count + L - 1) / L);
    }

  AccTensor acc({x.dim(0), s.out_c, s.out_h, s.out_w});
  // One output pixel of tile t: LUTs from its window over the pass's channels, then every
  // output channel of the tile; the aggregation core adds the chunks' partial sums (and the
  // bias, in the first pass) to what earlier passes left.
  const auto pixel = [&](const Tile& t, int64_t groups, const uint8_t* pass_index, int64_t n,
                         int oy, int ox, std::vector<int64_t>& window, std::vector<int64_t>& luts) {
    // The aligned feature loader hands the LBPE the pixel's window, [c][r][s] order.
    std::fill(window.begin(), window.end(), 0);
    for (int c = t.c0; c < t.c1; ++c) {
      const int32_t* plane =
          x.data() + ((n * s.in_c + t.group * s.group_in() + c) * s.in_h) * int64_t{s.in_w};
      for (int r = 0; r < geo.kernel_h; ++r) {
        const int iy = oy * geo.stride_h - geo.pad_top + r * geo.dilation_h;
        if (iy < 0 || iy >= s.in_h) continue;
        for (int q = 0; q < geo.kernel_w; ++q) {
          const int ix = ox * geo.stride_w - geo.pad_left + q * geo.dilation_w;
          if (ix < 0 || ix >= s.in_w) continue;
          window[static_cast<size_t>((int64_t{c - t.c0} * geo.kernel_h + r) * geo.kernel_w + q)] =
              plane[int64_t{iy} * s.in_w + ix] - x_zp;
        }
      }
    }
    for (int64_t g = 0; g < groups; ++g)
      build_lut(window.data() + g * L, shape, luts.data() + g * entries);
    for (int k = t.k0; k < t.k1; ++k) {
      const int oc = t.group * s.group_out() + k;
      const uint8_t* idx = pass_index + static_cast<size_t>(oc) * groups * coding.planes;
      int64_t sum = t.c0 == 0 && l.has_bias && !l.bias.empty() ? l.bias[oc] : 0;
      for (int64_t g0 = 0; g0 < groups; g0 += p.luts_per_lbpe) {
        const int count = static_cast<int>(std::min<int64_t>(p.luts_per_lbpe, groups - g0));
        sum += lane_dot(luts.data() + g0 * entries, shape, count, idx + g0,
                        static_cast<size_t>(groups), coding);
      }
      if (const int32_t w_zp = l.weight_q.zero_point_at(oc); w_zp != 0) {
        // sum(x) of the window is the all-ones entry of each (non-binary) LUT.
        int64_t xsum = 0;
        for (int64_t g = 0; g < groups; ++g) xsum += luts[g * entries + entries - 1];
        sum -= int64_t{w_zp} * xsum;
      }
      acc[((n * s.out_c + oc) * s.out_h + oy) * s.out_w + ox] += sum;
    }
  };
  for (const Tile& t : cmd.tiles) {
    const int64_t groups = (tile_reduction(cmd, t) + L - 1) / L;  // LUTs per output pixel
    const uint8_t* pass_index = indices.at(t.c0).data();
    // Rows of the tile are independent (each writes its own outputs): host threads, when
    // the tile has enough lookups to pay for them.
    const int64_t rows = x.dim(0) * (t.oy1 - t.oy0);
    const bool threads =
        rows * (t.ox1 - t.ox0) * (t.k1 - t.k0) * groups * coding.planes >= (1 << 24);
#pragma omp parallel for schedule(static) if (threads)
    for (int64_t row = 0; row < rows; ++row) {
      std::vector<int64_t> window(static_cast<size_t>(groups * L));
      std::vector<int64_t> luts(static_cast<size_t>(groups * entries));
      const int64_t n = row / (t.oy1 - t.oy0);
      const int oy = t.oy0 + static_cast<int>(row % (t.oy1 - t.oy0));
      for (int ox = t.ox0; ox < t.ox1; ++ox) pixel(t, groups, pass_index, n, oy, ox, window, luts);
    }
  }
  return acc;
}

std::vector<IntTensor> execute(const Graph& graph, const Program& program, const UnpuParams& params,
                               const IntTensor& input) {
  const kernels::Numerics numerics = params.numerics();
  return execute_layers(
      graph, input, [&](size_t i) { return program.layers.at(i).unit == Unit::None; },
      [&](size_t i, const std::vector<const IntTensor*>& in) {
        const Layer& l = graph.layers[i];
        const LayerCommand& cmd = program.layers.at(i);
        // The SIMD core's pooling, add, concat and rescale are the kernels/ integer ops the
        // golden reference also runs (kernels::max_pool, avg_pool, add, rescale, ...).
        if (cmd.unit != Unit::Lbpe) return workloads::run_layer(graph, i, in, numerics);
        AccTensor acc = accumulate_lbpe(graph, cmd, params, *in[0]);
        kernels::apply_overflow(acc, numerics.accumulator);
        const auto [lo, hi] =
            kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
        const kernels::Requantizer requant(numerics, graph.layers[l.inputs[0]].output_q.scale[0],
                                           l.weight_q.scale, l.output_q, lo, hi);
        const workloads::Shape3 os = l.output_shape;
        return requant.apply(acc).reshaped({acc.dim(0), os.c, os.h, os.w});
      });
}

}  // namespace qasim::arch::unpu
