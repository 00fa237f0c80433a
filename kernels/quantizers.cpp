#include "kernels/quantizers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/fixed_point.h"

namespace qasim::kernels {

namespace {

constexpr float kTinyScale = std::numeric_limits<float>::min();  // smallest normal float

void check(bool ok, const char* op, const std::string& problem) {
  if (!ok) throw std::invalid_argument(fmt::format("{}: {}", op, problem));
}

void check_finite(const FloatTensor& x, const char* op) {
  for (int64_t i = 0; i < x.size(); ++i)
    check(std::isfinite(x[i]), op, fmt::format("element {} is {}", i, x[i]));
}

// Maps a flat index to its channel along an axis (or 0 for a per-tensor grouping).
struct ChannelIndex {
  int64_t channels = 1;
  int64_t inner = 1;

  ChannelIndex(const Dims& dims, Granularity g, const char* op) {
    if (!g.per_channel) return;
    check(g.axis >= 0 && static_cast<size_t>(g.axis) < dims.size(), op,
          fmt::format("axis {} outside a rank-{} tensor", g.axis, dims.size()));
    channels = dims[static_cast<size_t>(g.axis)];
    for (size_t d = static_cast<size_t>(g.axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  }
  int64_t operator()(int64_t i) const { return channels == 1 ? 0 : (i / inner) % channels; }
};

ChannelIndex channel_index_of(const Dims& dims, const QuantParams& q, const char* op) {
  ChannelIndex index(dims, Granularity{q.per_channel(), q.axis}, op);
  check(!q.per_channel() || index.channels == static_cast<int64_t>(q.scale.size()), op,
        fmt::format("{} scales for {} channels along axis {}", q.scale.size(), index.channels,
                    q.axis));
  return index;
}

// Per-channel mean |w| (double accumulation).
std::vector<double> mean_abs(const FloatTensor& w, const ChannelIndex& ch) {
  std::vector<double> sum(static_cast<size_t>(ch.channels), 0.0);
  std::vector<int64_t> count(sum.size(), 0);
  for (int64_t i = 0; i < w.size(); ++i) {
    sum[static_cast<size_t>(ch(i))] += std::fabs(static_cast<double>(w[i]));
    ++count[static_cast<size_t>(ch(i))];
  }
  for (size_t c = 0; c < sum.size(); ++c) sum[c] = count[c] ? sum[c] / count[c] : 0.0;
  return sum;
}

float positive_scale(double s) {
  return s > kTinyScale ? static_cast<float>(s) : kTinyScale;
}

// The k with v nearest to 2^k in the log domain, v > 0 a float value scaled by a power of
// two: v >= 2^(k+1/2) exactly when v^2 >= 2^(2k+1), and v^2 is exact in double.
int nearest_exponent(double v) {
  int e = 0;
  std::frexp(v, &e);  // v in [2^(e-1), 2^e)
  const int k = e - 1;
  return v * v >= std::ldexp(1.0, 2 * k + 1) ? k + 1 : k;
}

float power_of_two_float(int exponent, const char* op) {
  check(exponent >= -126 && exponent <= 127, op,
        fmt::format("scale 2^{} is not a normal float", exponent));
  return std::ldexp(1.0f, exponent);
}

}  // namespace

QuantParams choose_uniform_params(float min, float max, int bits, bool is_signed, bool symmetric) {
  const char* op = "choose_uniform_params";
  check(std::isfinite(min) && std::isfinite(max) && min <= max, op,
        fmt::format("range [{}, {}] is not a finite interval", min, max));
  check(bits >= 2 && bits <= 16, op, fmt::format("{} bits outside [2, 16]", bits));
  QuantParams q = QuantParams::uniform(bits, is_signed, 1.0f, 0);
  const int64_t qmin = q.qmin(), qmax = q.qmax();
  const double lo = std::min(0.0, static_cast<double>(min));
  const double hi = std::max(0.0, static_cast<double>(max));
  if (symmetric) {
    const int64_t zp = is_signed ? 0 : int64_t{1} << (bits - 1);
    const double a = std::max(-lo, hi);
    q.zero_point = {static_cast<int32_t>(zp)};
    q.scale = {a > 0 ? positive_scale(a / static_cast<double>(qmax - zp)) : 1.0f};
  } else {
    const double range = hi - lo;
    const float scale = range > 0 ? positive_scale(range / static_cast<double>(qmax - qmin)) : 1.0f;
    const double zp = static_cast<double>(qmin) - std::nearbyint(lo / scale);
    q.scale = {scale};
    q.zero_point = {static_cast<int32_t>(std::clamp<double>(zp, qmin, qmax))};
  }
  q.validate(op);
  return q;
}

Quantized quantize_uniform(const FloatTensor& x, const QuantParams& q) {
  const char* op = "quantize_uniform";
  q.validate(op);
  check(q.scheme == Scheme::Uniform, op, "parameters are not uniform");
  check_finite(x, op);
  const ChannelIndex ch = channel_index_of(x.dims(), q, op);
  const int64_t qmin = q.qmin(), qmax = q.qmax();
  IntTensor y(x.dims());
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t c = ch(i);
    const int64_t zp = q.zero_point_at(c);
    const float v = x[i] / q.scale_at(c);  // float32, as QuantizeLinear
    y[i] = static_cast<int32_t>(fixed_point::round_half_even_clamped(v, qmin - zp, qmax - zp) + zp);
  }
  return {std::move(y), q};
}

Quantized quantize_uniform_minmax(const FloatTensor& x, int bits, bool is_signed, bool symmetric,
                                  Granularity g) {
  const char* op = "quantize_uniform_minmax";
  check_finite(x, op);
  const ChannelIndex ch(x.dims(), g, op);
  std::vector<float> lo(static_cast<size_t>(ch.channels), 0.f), hi(lo.size(), 0.f);
  for (int64_t i = 0; i < x.size(); ++i) {
    const auto c = static_cast<size_t>(ch(i));
    lo[c] = std::min(lo[c], x[i]);
    hi[c] = std::max(hi[c], x[i]);
  }
  QuantParams q = QuantParams::uniform(bits, is_signed, 1.0f, 0);
  q.scale.clear();
  q.zero_point.clear();
  for (size_t c = 0; c < lo.size(); ++c) {
    const QuantParams one = choose_uniform_params(lo[c], hi[c], bits, is_signed, symmetric);
    q.scale.push_back(one.scale[0]);
    q.zero_point.push_back(one.zero_point[0]);
  }
  q.axis = g.per_channel ? g.axis : 0;
  return quantize_uniform(x, q);
}

Quantized quantize_binary(const FloatTensor& w, Granularity g) {
  const char* op = "quantize_binary";
  check_finite(w, op);
  const ChannelIndex ch(w.dims(), g, op);
  std::vector<float> alphas;
  for (double a : mean_abs(w, ch)) alphas.push_back(positive_scale(a));
  IntTensor y(w.dims());
  for (int64_t i = 0; i < w.size(); ++i) y[i] = w[i] >= 0.f ? 1 : -1;  // sign(0) = +1
  QuantParams q = QuantParams::binary(std::move(alphas));
  q.axis = g.per_channel ? g.axis : 0;
  q.validate(op);
  return {std::move(y), q};
}

Quantized quantize_twn(const FloatTensor& w, Granularity g) {
  const char* op = "quantize_twn";
  check_finite(w, op);
  const ChannelIndex ch(w.dims(), g, op);
  std::vector<double> delta = mean_abs(w, ch);
  for (double& d : delta) d *= 0.7;
  std::vector<double> sum(delta.size(), 0.0);
  std::vector<int64_t> count(delta.size(), 0);
  IntTensor y(w.dims());
  for (int64_t i = 0; i < w.size(); ++i) {
    const auto c = static_cast<size_t>(ch(i));
    const double v = w[i];
    if (std::fabs(v) > delta[c]) {
      y[i] = v > 0 ? 1 : -1;
      sum[c] += std::fabs(v);
      ++count[c];
    }
  }
  std::vector<float> alphas;
  for (size_t c = 0; c < sum.size(); ++c)
    alphas.push_back(positive_scale(count[c] ? sum[c] / count[c] : 0.0));
  QuantParams q = QuantParams::ternary(std::move(alphas));
  q.axis = g.per_channel ? g.axis : 0;
  q.validate(op);
  return {std::move(y), q};
}

Quantized quantize_codebook(const FloatTensor& w, const std::vector<float>& centroids,
                            int value_bits) {
  const char* op = "quantize_codebook";
  check_finite(w, op);
  check(!centroids.empty() && centroids.size() <= (size_t{1} << 16), op,
        fmt::format("{} centroids (1 to 65536 allowed)", centroids.size()));
  check(value_bits >= 2 && value_bits <= 16, op,
        fmt::format("codebook value width {} outside [2, 16]", value_bits));
  double max_abs = 0;
  for (float c : centroids) {
    check(std::isfinite(c), op, fmt::format("centroid {}", c));
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(c)));
  }
  // Largest f with every |round(c * 2^f)| <= limit: start where max_abs * 2^f < 2^(vb-1),
  // step down once if rounding reaches 2^(vb-1).
  const int64_t limit = (int64_t{1} << (value_bits - 1)) - 1;
  int frac = 0;
  if (max_abs > 0) {
    int e = 0;
    std::frexp(max_abs, &e);  // max_abs in [2^(e-1), 2^e)
    frac = value_bits - 1 - e;
    while (std::llround(std::ldexp(max_abs, frac)) > limit) --frac;
  }
  QuantParams q;
  q.scheme = Scheme::Codebook;
  q.scale = {power_of_two_float(-frac, op)};
  q.zero_point = {0};
  for (float c : centroids)
    q.codebook.push_back(
        static_cast<int32_t>(std::llround(std::ldexp(static_cast<double>(c), frac))));
  int index_bits = 1;
  while ((size_t{1} << index_bits) < centroids.size()) ++index_bits;
  q.bits = index_bits;

  IntTensor y(w.dims());
  for (int64_t i = 0; i < w.size(); ++i) {
    size_t best = 0;
    double best_dist = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < centroids.size(); ++k) {
      const double dist = std::fabs(static_cast<double>(w[i]) - centroids[k]);
      if (dist < best_dist) {  // strict: ties keep the lower index
        best = k;
        best_dist = dist;
      }
    }
    y[i] = q.codebook[best];
  }
  q.validate(op);
  return {std::move(y), q};
}

Quantized quantize_ttq(const FloatTensor& w, float wp, float wn, int value_bits) {
  const char* op = "quantize_ttq";
  check(wp > 0 && wn > 0 && std::isfinite(wp) && std::isfinite(wn), op,
        fmt::format("Wp {} and Wn {} must be positive", wp, wn));
  check_finite(w, op);
  double max_abs = 0;
  for (int64_t i = 0; i < w.size(); ++i) max_abs = std::max(max_abs, std::fabs(double{w[i]}));
  const double delta = 0.05 * max_abs;
  // Map each weight onto its centroid exactly, then let the codebook quantizer encode it:
  // -wn, 0 and +wp are their own nearest centroids.
  FloatTensor snapped(w.dims());
  for (int64_t i = 0; i < w.size(); ++i) {
    const double v = w[i];
    snapped[i] = v > delta ? wp : (v < -delta ? -wn : 0.f);
  }
  return quantize_codebook(snapped, {-wn, 0.f, wp}, value_bits);
}

Quantized quantize_pow2(const FloatTensor& w, int bits, Granularity g) {
  const char* op = "quantize_pow2";
  check_finite(w, op);
  QuantParams q;
  q.scheme = Scheme::PowerOfTwo;
  q.bits = bits;
  check(bits >= 2 && bits <= 16 && q.max_exponent() <= 30, op,
        fmt::format("{} bits: exponents must stay within 2^30", bits));
  const ChannelIndex ch(w.dims(), g, op);
  std::vector<double> max_abs(static_cast<size_t>(ch.channels), 0.0);
  for (int64_t i = 0; i < w.size(); ++i) {
    auto& m = max_abs[static_cast<size_t>(ch(i))];
    m = std::max(m, std::fabs(double{w[i]}));
  }
  const int top = q.max_exponent();
  std::vector<int> scale_exp;
  q.scale.clear();
  for (double m : max_abs) {
    scale_exp.push_back(m > 0 ? nearest_exponent(m) - top : 0);
    q.scale.push_back(power_of_two_float(scale_exp.back(), op));
  }
  q.zero_point = {0};
  q.axis = g.per_channel ? g.axis : 0;

  IntTensor y(w.dims());
  for (int64_t i = 0; i < w.size(); ++i) {
    // Exact: dividing by a power of two.
    const double v = std::ldexp(std::fabs(double{w[i]}), -scale_exp[static_cast<size_t>(ch(i))]);
    int32_t level = 0;
    if (v >= 0.5) level = int32_t{1} << std::clamp(nearest_exponent(v), 0, top);
    y[i] = w[i] < 0 ? -level : level;
  }
  q.validate(op);
  return {std::move(y), q};
}

namespace {

QuantParams fixed_params(int bits, int frac_bits, const char* op) {
  QuantParams q;
  q.scheme = Scheme::FixedPoint;
  q.bits = bits;
  q.frac_bits = frac_bits;
  check(bits >= 2 && bits <= 16, op, fmt::format("{} bits outside [2, 16]", bits));
  check(frac_bits >= 0 && frac_bits <= 30, op,
        fmt::format("fraction bits {} outside [0, 30]", frac_bits));
  q.scale = {std::ldexp(1.0f, -frac_bits)};
  q.validate(op);
  return q;
}

}  // namespace

Quantized quantize_fixed(const FloatTensor& x, int bits, int frac_bits) {
  const char* op = "quantize_fixed";
  const QuantParams q = fixed_params(bits, frac_bits, op);
  check_finite(x, op);
  IntTensor y(x.dims());
  for (int64_t i = 0; i < x.size(); ++i) {
    const double t = std::ldexp(double{x[i]}, frac_bits);  // exact
    y[i] = static_cast<int32_t>(std::clamp<double>(std::floor(t + 0.5), q.qmin(), q.qmax()));
  }
  return {std::move(y), q};
}

Quantized quantize_fixed_stochastic(const FloatTensor& x, int bits, int frac_bits,
                                    std::mt19937& rng) {
  const char* op = "quantize_fixed_stochastic";
  const QuantParams q = fixed_params(bits, frac_bits, op);
  check_finite(x, op);
  IntTensor y(x.dims());
  for (int64_t i = 0; i < x.size(); ++i) {
    const double t = std::ldexp(double{x[i]}, frac_bits);  // exact
    const double down = std::floor(t);
    const double fraction = t - down;  // exact
    // std::uniform_real_distribution is implementation-defined; this draw is not.
    const double u = std::ldexp(static_cast<double>(rng()), -32);
    const double r = u < fraction ? down + 1 : down;
    y[i] = static_cast<int32_t>(std::clamp<double>(r, q.qmin(), q.qmax()));
  }
  return {std::move(y), q};
}

FloatTensor dequantize(const IntTensor& values, const QuantParams& q) {
  const char* op = "dequantize";
  q.validate(op);
  const ChannelIndex ch = channel_index_of(values.dims(), q, op);
  FloatTensor y(values.dims());
  for (int64_t i = 0; i < values.size(); ++i) {
    const int64_t c = ch(i);
    y[i] = static_cast<float>(int64_t{values[i]} - q.zero_point_at(c)) * q.scale_at(c);
  }
  return y;
}

}  // namespace qasim::kernels
