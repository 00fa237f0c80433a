// Scalar requantization primitives shared by the Requantizer, pooling and add, and by
// accelerator models that must reproduce them bit for bit. Each function states its
// rounding; none depends on the floating-point environment except round_half_even_clamped,
// which assumes the default round-to-nearest-even mode (as ONNX Runtime does).
#pragma once

#include <cstdint>

#include "kernels/numerics.h"

namespace qasim::kernels::fixed_point {

// Clamps an int64 into int32 (the gemmlowp pipeline works on int32 accumulators).
int32_t saturate_int32(int64_t x);

// gemmlowp SaturatingRoundingDoublingHighMul: (2*a*b + 2^31) >> 32, i.e. a*b / 2^31 rounded
// to nearest with ties towards +infinity; the one overflowing case a == b == INT32_MIN
// saturates to INT32_MAX. Same result as ARM NEON VQRDMULH.
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b);

// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
// exponent in [0, 31].
int32_t rounding_divide_by_pot(int32_t x, int exponent);

// x * 2^exponent saturated to int32 (gemmlowp SaturatingRoundingMultiplyByPOT for a
// non-negative exponent). exponent in [0, 31].
int32_t saturating_left_shift(int32_t x, int exponent);

// A positive real multiplier M ~= m0 * 2^-31 * 2^-right_shift with m0 in [2^30, 2^31).
struct QuantizedMultiplier {
  int32_t m0 = 0;       // Q31 mantissa; 0 encodes a multiplier too small to matter (< 2^-32)
  int right_shift = 0;  // negative: a left shift, allowed when M >= 1
};

// TFLite QuantizeMultiplier: frexp, then round(q * 2^31) with ties away from zero; a
// mantissa that rounds up to 2^31 is halved and the exponent bumped. Throws
// std::invalid_argument unless 0 < m < 2^31 and finite.
QuantizedMultiplier quantize_multiplier(double m);

// TFLite MultiplyByQuantizedMultiplier, except that the pre-shift for M >= 1 saturates
// instead of overflowing: RoundingDivideByPOT(SRDHM(x << left, m0), right).
int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier q);

// A positive real multiplier M ~= m * 2^-shift with an unsigned `bits`-bit m.
struct MulShiftMultiplier {
  int64_t m = 0;  // in [2^(bits-1), 2^bits) unless the shift had to be capped
  int shift = 0;  // in [-62, 126]; negative: an exact left shift
};

// Largest shift such that m = round(M * 2^shift) (ties away from zero) still fits in
// `bits` bits, so M is represented as precisely as the width allows. bits in [1, 31].
MulShiftMultiplier mulshift_multiplier(double m, int bits);

// (acc * m + 2^(shift-1)) >> shift with an arithmetic shift: round half towards +infinity.
// The product is exact (128-bit); so is the left shift for a negative `shift`.
__int128 mulshift_apply(int64_t acc, MulShiftMultiplier q);

// Round half to even of a float, clamped to [lo, hi] before conversion so that huge or
// infinite values cannot overflow (ONNX Runtime clamps in float the same way). NaN -> lo.
int64_t round_half_even_clamped(float v, int64_t lo, int64_t hi);

// Clamps a 128-bit value into [lo, hi].
int64_t clamp128(__int128 v, int64_t lo, int64_t hi);

// One real multiplier M prepared for the selected requantization mode.
struct Multiplier {
  float onnx = 0;               // OnnxFloat: M in float32, as the caller computed it
  QuantizedMultiplier q31;      // Gemmlowp
  MulShiftMultiplier mulshift;  // MulShift
};

// `onnx_multiplier` is M as ONNX Runtime computes it in float32 (the order of float
// operations differs per op, so the caller supplies it); `real_multiplier` is M in double,
// the source of the fixed-point forms.
Multiplier make_multiplier(const Numerics& numerics, float onnx_multiplier, double real_multiplier);

// clamp(zero_point + round(acc * M), lo, hi), rounding as the mode prescribes (see
// requant.cpp): OnnxFloat float32 product and half-to-even; Gemmlowp int32-saturated input,
// SRDHM and RoundingDivideByPOT; MulShift exact product, half up.
int32_t requantize(RequantMode mode, const Multiplier& m, int64_t acc, int32_t zero_point,
                   int32_t lo, int32_t hi);

// Marks a float32 value that ONNX rounds before the next step. The guarantee itself comes
// from the build: kernels (and whoever includes them) compile with -ffp-contract=off, so no
// multiply is fused with an add into an FMA, and x86-64 evaluates float in float32. Being
// inline, it leaves the loops around it free to vectorize.
inline float rounded(float v) {
  return v;
}

}  // namespace qasim::kernels::fixed_point
