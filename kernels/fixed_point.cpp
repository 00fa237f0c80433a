#include "kernels/fixed_point.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace qasim::kernels::fixed_point {

namespace {
constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
}  // namespace

int32_t saturate_int32(int64_t x) {
  return static_cast<int32_t>(std::clamp<int64_t>(x, kInt32Min, kInt32Max));
}

int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  const int64_t ab = int64_t{a} * int64_t{b};
  // The nudge is chosen so that division truncating towards zero rounds half up.
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (int64_t{1} - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  if (exponent < 0 || exponent > 31)
    throw std::invalid_argument(fmt::format("rounding_divide_by_pot: exponent {}", exponent));
  const int64_t mask = (int64_t{1} << exponent) - 1;
  const int64_t remainder = int64_t{x} & mask;
  // A negative x needs a remainder strictly above half to round away from zero (downwards).
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int32_t>((int64_t{x} >> exponent) + (remainder > threshold ? 1 : 0));
}

int32_t saturating_left_shift(int32_t x, int exponent) {
  if (exponent < 0 || exponent > 31)
    throw std::invalid_argument(fmt::format("saturating_left_shift: exponent {}", exponent));
  return saturate_int32(int64_t{x} * (int64_t{1} << exponent));
}

QuantizedMultiplier quantize_multiplier(double m) {
  if (!(m > 0) || !std::isfinite(m) || m >= 2147483648.0)
    throw std::invalid_argument(
        fmt::format("gemmlowp multiplier {} outside (0, 2^31): scales are inconsistent", m));
  int exponent = 0;
  const double q = std::frexp(m, &exponent);  // m = q * 2^exponent, q in [0.5, 1)
  int64_t q_fixed = std::llround(std::ldexp(q, 31));
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++exponent;
  }
  // Below 2^-32 every int32 input rounds to 0 anyway; TFLite encodes it as a zero multiplier.
  if (exponent < -31) return {0, 0};
  if (exponent > 31)
    throw std::invalid_argument(fmt::format("gemmlowp multiplier {} needs a left shift > 31", m));
  return {static_cast<int32_t>(q_fixed), -exponent};
}

int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier q) {
  const int left = q.right_shift < 0 ? -q.right_shift : 0;
  const int right = q.right_shift > 0 ? q.right_shift : 0;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(saturating_left_shift(x, left), q.m0), right);
}

MulShiftMultiplier mulshift_multiplier(double m, int bits) {
  if (bits < 1 || bits > 31)
    throw std::invalid_argument(fmt::format("mulshift multiplier width {} outside [1, 31]", bits));
  if (!(m > 0) || !std::isfinite(m))
    throw std::invalid_argument(fmt::format("mulshift multiplier {} must be positive", m));
  int exponent = 0;
  const double q = std::frexp(m, &exponent);  // m = q * 2^exponent, q in [0.5, 1)
  int64_t mantissa = std::llround(std::ldexp(q, bits));
  int shift = bits - exponent;
  if (mantissa == (int64_t{1} << bits)) {
    mantissa /= 2;
    --shift;
  }
  if (shift < -32) throw std::invalid_argument(fmt::format("mulshift multiplier {} too large", m));
  if (shift > 126) {
    // Beyond 2^126 a 95-bit product always rounds to 0; keep the shift in range.
    mantissa = std::llround(std::ldexp(m, 126));
    shift = 126;
  }
  return {mantissa, shift};
}

__int128 mulshift_apply(int64_t acc, MulShiftMultiplier q) {
  const __int128 product = static_cast<__int128>(acc) * q.m;
  if (q.shift > 0) return (product + (static_cast<__int128>(1) << (q.shift - 1))) >> q.shift;
  return product * (static_cast<__int128>(1) << -q.shift);
}

int64_t round_half_even_clamped(float v, int64_t lo, int64_t hi) {
  if (std::isnan(v)) return lo;
  const double d = v;  // exact
  if (d <= static_cast<double>(lo)) return lo;
  if (d >= static_cast<double>(hi)) return hi;
  // nearbyint honours the current rounding mode, which is round-to-nearest-even by default.
  return std::clamp(static_cast<int64_t>(std::nearbyint(d)), lo, hi);
}

int64_t clamp128(__int128 v, int64_t lo, int64_t hi) {
  if (v < lo) return lo;
  if (v > hi) return hi;
  return static_cast<int64_t>(v);
}

Multiplier make_multiplier(const Numerics& numerics, float onnx_multiplier,
                           double real_multiplier) {
  Multiplier m;
  m.onnx = onnx_multiplier;
  if (numerics.requant == RequantMode::Gemmlowp) m.q31 = quantize_multiplier(real_multiplier);
  if (numerics.requant == RequantMode::MulShift)
    m.mulshift = mulshift_multiplier(real_multiplier, numerics.mulshift_bits);
  return m;
}

int32_t requantize(RequantMode mode, const Multiplier& m, int64_t acc, int32_t zero_point,
                   int32_t lo, int32_t hi) {
  const int64_t zp = zero_point;
  switch (mode) {
    case RequantMode::OnnxFloat: {
      const float v = static_cast<float>(acc) * m.onnx;
      return static_cast<int32_t>(round_half_even_clamped(v, lo - zp, hi - zp) + zp);
    }
    case RequantMode::Gemmlowp: {
      const int32_t scaled = multiply_by_quantized_multiplier(saturate_int32(acc), m.q31);
      return static_cast<int32_t>(std::clamp<int64_t>(scaled + zp, lo, hi));
    }
    case RequantMode::MulShift:
      return static_cast<int32_t>(clamp128(mulshift_apply(acc, m.mulshift) + zp, lo, hi));
  }
  return lo;
}


}  // namespace qasim::kernels::fixed_point
