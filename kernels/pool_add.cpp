// Pooling, elementwise add and rescale on quantized integers.
//
// Average pooling: the exact window sum S = sum(x - x_zp) is requantized with
// M = in_scale / (count * out_scale) in the selected mode (fixed_point::requantize):
//   OnnxFloat — M = in_scale / (out_scale * float(count)) in float32, then float32(S) * M,
//     round half to even: exactly ONNX Runtime's QLinearGlobalAveragePool (MLAS sums the
//     integers, then MlasRequantizeOutput). ORT's windowed QLinearAveragePool averages
//     dequantized floats instead and may differ by one in rare ties.
//   Gemmlowp / MulShift — M in double, as for a convolution.
// count is the window size with count_include_pad (padded taps are x_zp, i.e. real zero,
// as in ONNX AveragePool), else the number of taps inside the input.
//
// Add, y = clamp(requant(a) + requant(b), lo, hi):
//   OnnxFloat — DequantizeLinear, Add, QuantizeLinear in float32, each step rounded:
//     round_half_even((sa*float(a-za) + sb*float(b-zb)) / sc) + zc, as ONNX Runtime's
//     portable QLinearAdd kernel (its x86 vector kernels use fixed-point scale ratios and
//     may differ by one in rare ties).
//   Gemmlowp — TFLite's quantized add: both inputs shifted left by 20 (15 when an input is
//     wider than 8 bits, as TFLite's int16 add) and scaled by s_i / (2*max(sa, sb)), summed,
//     then scaled by 2*max(sa, sb) / (2^left_shift * sc); each scaling is
//     MultiplyByQuantizedMultiplier.
//   MulShift — each input has its own m_i * 2^-s_i ~= s_i / sc; both products are aligned to
//     the larger shift and summed exactly, then rounded once, half up: one adder and one
//     rounding shifter in hardware.
//
// Rescale from xq to out: OnnxFloat is DequantizeLinear then QuantizeLinear (float32);
// Gemmlowp is TFLite's requantize (MultiplyByQuantizedMultiplier with sx / so); MulShift is
// (x - zx) * m >> s with round half up.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "kernels/fixed_point.h"
#include "kernels/ops.h"

namespace qasim::kernels {

namespace fp = fixed_point;

namespace {

void check(bool ok, const char* op, const std::string& problem) {
  if (!ok) throw std::invalid_argument(fmt::format("{}: {}", op, problem));
}

void check_per_tensor(const char* op, const char* which, const QuantParams& q) {
  check(q.scale.size() == 1 && q.zero_point.size() == 1, op,
        fmt::format("{} must be quantized per tensor", which));
  check(q.scale[0] > 0.f && std::isfinite(q.scale[0]), op,
        fmt::format("{} scale {} must be positive", which, q.scale[0]));
}

// Output dims of a pooling window over NCHW x; throws when the geometry cannot apply.
Dims pool_output_dims(const char* op, const IntTensor& x, const ConvGeometry& g) {
  check(x.rank() == 4, op, "input must be NCHW, got " + dims_to_string(x.dims()));
  check(g.kernel_h >= 1 && g.kernel_w >= 1 && g.stride_h >= 1 && g.stride_w >= 1 &&
            g.dilation_h >= 1 && g.dilation_w >= 1,
        op, "kernel, strides and dilations must be >= 1");
  check(g.pad_top >= 0 && g.pad_left >= 0 && g.pad_bottom >= 0 && g.pad_right >= 0, op,
        "pads must be >= 0");
  check(g.groups == 1, op, "pooling has no groups");
  // Checked before out_h()/out_w(), whose truncating division would round a negative up.
  check(x.dim(2) + g.pad_top + g.pad_bottom >= int64_t{g.dilation_h} * (g.kernel_h - 1) + 1 &&
            x.dim(3) + g.pad_left + g.pad_right >= int64_t{g.dilation_w} * (g.kernel_w - 1) + 1,
        op, "the window does not fit the padded input");
  return {x.dim(0), x.dim(1), g.out_h(static_cast<int>(x.dim(2))),
          g.out_w(static_cast<int>(x.dim(3)))};
}

// Calls visit(value) for each tap of window (n, c, oy, ox) that lies inside the input and
// returns how many there were.
template <typename Visit>
int64_t for_each_tap(const IntTensor& x, const ConvGeometry& g, int64_t n, int64_t c, int64_t oy,
                     int64_t ox, Visit visit) {
  const int64_t h = x.dim(2), w = x.dim(3);
  const int32_t* plane = x.data() + (n * x.dim(1) + c) * h * w;
  int64_t taps = 0;
  for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= h) continue;
    for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
      const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= w) continue;
      visit(plane[iy * w + ix]);
      ++taps;
    }
  }
  return taps;
}

}  // namespace

IntTensor max_pool(const IntTensor& x, const ConvGeometry& g) {
  const Dims dims = pool_output_dims("max_pool", x, g);
  IntTensor y(dims);
  int64_t i = 0;
  for (int64_t n = 0; n < dims[0]; ++n)
    for (int64_t c = 0; c < dims[1]; ++c)
      for (int64_t oy = 0; oy < dims[2]; ++oy)
        for (int64_t ox = 0; ox < dims[3]; ++ox, ++i) {
          int32_t best = std::numeric_limits<int32_t>::min();
          const int64_t taps =
              for_each_tap(x, g, n, c, oy, ox, [&](int32_t v) { best = std::max(best, v); });
          check(taps > 0, "max_pool", "a window covers only padding");
          y[i] = best;
        }
  return y;
}

IntTensor avg_pool(const IntTensor& x, const QuantParams& xq, const ConvGeometry& g,
                   bool count_include_pad, const QuantParams& out, const Numerics& numerics) {
  const char* op = "avg_pool";
  const Dims dims = pool_output_dims(op, x, g);
  check_per_tensor(op, "input", xq);
  check_per_tensor(op, "output", out);
  const int64_t x_zp = xq.zero_point[0];
  const float in_scale = xq.scale[0], out_scale = out.scale[0];
  const int32_t lo = out.qmin(), hi = out.qmax(), out_zp = out.zero_point[0];

  // One multiplier per divisor; without count_include_pad border windows have fewer taps.
  std::vector<std::optional<fp::Multiplier>> by_count(
      static_cast<size_t>(int64_t{g.kernel_h} * g.kernel_w) + 1);
  auto multiplier = [&](int64_t count) -> const fp::Multiplier& {
    auto& m = by_count[static_cast<size_t>(count)];
    if (!m) {
      const float onnx = in_scale / fp::rounded(out_scale * static_cast<float>(count));
      const double real = static_cast<double>(in_scale) /
                          (static_cast<double>(out_scale) * static_cast<double>(count));
      m = fp::make_multiplier(numerics, onnx, real);
    }
    return *m;
  };

  IntTensor y(dims);
  int64_t i = 0;
  for (int64_t n = 0; n < dims[0]; ++n)
    for (int64_t c = 0; c < dims[1]; ++c)
      for (int64_t oy = 0; oy < dims[2]; ++oy)
        for (int64_t ox = 0; ox < dims[3]; ++ox, ++i) {
          int64_t sum = 0;
          const int64_t taps =
              for_each_tap(x, g, n, c, oy, ox, [&](int32_t v) { sum += v - x_zp; });
          const int64_t count = count_include_pad ? int64_t{g.kernel_h} * g.kernel_w : taps;
          check(count > 0, op, "a window covers only padding");
          y[i] = out.scheme == Scheme::Binary
                     ? binary_sign(sum)
                     : fp::requantize(numerics.requant, multiplier(count), sum, out_zp, lo, hi);
        }
  return y;
}

IntTensor global_avg_pool(const IntTensor& x, const QuantParams& xq, const QuantParams& out,
                          const Numerics& numerics) {
  check(x.rank() == 4 && x.dim(2) >= 1 && x.dim(3) >= 1, "global_avg_pool",
        "input must be NCHW with a non-empty image, got " + dims_to_string(x.dims()));
  ConvGeometry g;
  g.kernel_h = static_cast<int>(x.dim(2));
  g.kernel_w = static_cast<int>(x.dim(3));
  return avg_pool(x, xq, g, /*count_include_pad=*/false, out, numerics);
}

IntTensor add(const IntTensor& a, const QuantParams& aq, const IntTensor& b, const QuantParams& bq,
              const QuantParams& out, const Numerics& numerics, int32_t lo, int32_t hi) {
  const char* op = "add";
  check(a.dims() == b.dims(), op,
        fmt::format("shapes {} and {} differ", dims_to_string(a.dims()), dims_to_string(b.dims())));
  check_per_tensor(op, "first input", aq);
  check_per_tensor(op, "second input", bq);
  check_per_tensor(op, "output", out);
  check(lo <= hi, op, fmt::format("empty clamp range [{}, {}]", lo, hi));
  const float sa = aq.scale[0], sb = bq.scale[0], sc = out.scale[0];
  const int64_t za = aq.zero_point[0], zb = bq.zero_point[0], zc = out.zero_point[0];
  IntTensor y(a.dims());
  if (out.scheme == Scheme::Binary) {
    // Each product of a small integer and a float is exact in double, and the sum of two
    // doubles is zero only when the exact sum is: the sign is exact.
    for (int64_t i = 0; i < a.size(); ++i)
      y[i] = (double{sa} * static_cast<double>(a[i] - za) +
              double{sb} * static_cast<double>(b[i] - zb)) >= 0
                 ? 1
                 : -1;
    return y;
  }

  switch (numerics.requant) {
    case RequantMode::OnnxFloat:
#pragma omp parallel for schedule(static) if (a.size() > 65536)
      for (int64_t i = 0; i < a.size(); ++i) {
        const float va = fp::rounded(sa * static_cast<float>(a[i] - za));
        const float vb = fp::rounded(sb * static_cast<float>(b[i] - zb));
        const float v = fp::rounded(va + vb) / sc;
        y[i] = static_cast<int32_t>(fp::round_half_even_clamped(v, lo - zc, hi - zc) + zc);
      }
      break;
    case RequantMode::Gemmlowp: {
      const int left_shift = std::max(aq.bits, bq.bits) <= 8 ? 20 : 15;
      const double twice_max = 2.0 * std::max<double>(sa, sb);
      const auto qa = fp::quantize_multiplier(sa / twice_max);
      const auto qb = fp::quantize_multiplier(sb / twice_max);
      const auto qc = fp::quantize_multiplier(twice_max / (std::ldexp(1.0, left_shift) * sc));
#pragma omp parallel for schedule(static) if (a.size() > 65536)
      for (int64_t i = 0; i < a.size(); ++i) {
        const int32_t ta = fp::multiply_by_quantized_multiplier(
            fp::saturating_left_shift(fp::saturate_int32(a[i] - za), left_shift), qa);
        const int32_t tb = fp::multiply_by_quantized_multiplier(
            fp::saturating_left_shift(fp::saturate_int32(b[i] - zb), left_shift), qb);
        const int32_t sum =
            fp::multiply_by_quantized_multiplier(fp::saturate_int32(int64_t{ta} + tb), qc);
        y[i] = static_cast<int32_t>(std::clamp<int64_t>(sum + zc, lo, hi));
      }
      break;
    }
    case RequantMode::MulShift: {
      const auto ma = fp::mulshift_multiplier(static_cast<double>(sa) / sc, numerics.mulshift_bits);
      const auto mb = fp::mulshift_multiplier(static_cast<double>(sb) / sc, numerics.mulshift_bits);
      const int shift = std::max(ma.shift, mb.shift);
      check(shift - std::min(ma.shift, mb.shift) <= 64, op, "input scales differ by over 2^64");
      const __int128 wa = static_cast<__int128>(ma.m) << (shift - ma.shift);
      const __int128 wb = static_cast<__int128>(mb.m) << (shift - mb.shift);
      for (int64_t i = 0; i < a.size(); ++i) {
        const __int128 sum = (a[i] - za) * wa + (b[i] - zb) * wb;
        const __int128 scaled = shift > 0
                                    ? (sum + (static_cast<__int128>(1) << (shift - 1))) >> shift
                                    : sum * (static_cast<__int128>(1) << -shift);
        y[i] = static_cast<int32_t>(fp::clamp128(scaled + zc, lo, hi));
      }
      break;
    }
  }
  return y;
}

IntTensor rescale(const IntTensor& x, const QuantParams& xq, const QuantParams& out,
                  const Numerics& numerics) {
  const char* op = "rescale";
  check_per_tensor(op, "input", xq);
  check_per_tensor(op, "output", out);
  const float sx = xq.scale[0], so = out.scale[0];
  const int64_t zx = xq.zero_point[0];
  const int32_t zo = out.zero_point[0], lo = out.qmin(), hi = out.qmax();
  IntTensor y(x.dims());
  if (out.scheme == Scheme::Binary) {
    for (int64_t i = 0; i < x.size(); ++i) y[i] = binary_sign(x[i] - zx);
    return y;
  }
  if (numerics.requant == RequantMode::OnnxFloat) {
    for (int64_t i = 0; i < x.size(); ++i) {
      const float v = fp::rounded(static_cast<float>(x[i] - zx) * sx) / so;
      y[i] = static_cast<int32_t>(
          fp::round_half_even_clamped(v, lo - int64_t{zo}, hi - int64_t{zo}) + zo);
    }
    return y;
  }
  const fp::Multiplier m =
      fp::make_multiplier(numerics, 0.f, static_cast<double>(sx) / static_cast<double>(so));
  for (int64_t i = 0; i < x.size(); ++i)
    y[i] = fp::requantize(numerics.requant, m, x[i] - zx, zo, lo, hi);
  return y;
}

}  // namespace qasim::kernels
