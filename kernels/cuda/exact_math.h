// The per-element arithmetic of the exact (bit-identical to the golden reference) integer
// inference kernels, shared by the CUDA kernels (kernels/cuda/exact_conv.cu) and the host
// emulation (exact_conv.cpp) that the tests compare with kernels::conv2d_accumulate,
// apply_overflow and Requantizer.
//
// - dot4_*: four 8-bit products summed into an int32, as the GPU's dp4a instruction does
//   (bytes packed little-endian in a 32-bit word; signed or unsigned first operand).
// - xnor_dot: the binary dot product over a 64-bit word of ±1 values stored one bit each
//   (bit 1 for -1): the number of matches minus the number of mismatches.
// - overflow_one, requantize_one: apply_overflow and fixed_point::requantize for one value,
//   written again here because the golden versions are host-only (they throw and use
//   std:: functions); the host tests prove them equal on random and boundary values.
#pragma once

#include <math.h>

#include <cstdint>

#include "kernels/cuda/hd.h"

namespace qasim::kernels::cuda {

// Byte i of a packed word, as a signed or unsigned 8-bit value.
QASIM_HD inline int32_t byte_s8(uint32_t word, int i) {
  return static_cast<int32_t>(static_cast<int8_t>(static_cast<uint8_t>(word >> (8 * i))));
}
QASIM_HD inline int32_t byte_u8(uint32_t word, int i) {
  return static_cast<int32_t>(static_cast<uint8_t>(word >> (8 * i)));
}

// acc + sum_i a_i * b_i over the 4 bytes, a and b signed 8-bit (dp4a.s32.s32).
QASIM_HD inline int32_t dot4_s8s8(uint32_t a, uint32_t b, int32_t acc) {
#if defined(__CUDA_ARCH__)
  return __dp4a(static_cast<int>(a), static_cast<int>(b), acc);
#else
  for (int i = 0; i < 4; ++i) acc += byte_s8(a, i) * byte_s8(b, i);
  return acc;
#endif
}

// acc + sum_i a_i * b_i, a unsigned 8-bit (activations after a ReLU), b signed 8-bit
// (dp4a.u32.s32; CUDA has no intrinsic for the mixed form, so it is written in PTX).
QASIM_HD inline int32_t dot4_u8s8(uint32_t a, uint32_t b, int32_t acc) {
#if defined(__CUDA_ARCH__)
  int32_t d;
  asm("dp4a.u32.s32 %0, %1, %2, %3;" : "=r"(d) : "r"(a), "r"(b), "r"(acc));
  return d;
#else
  for (int i = 0; i < 4; ++i) acc += byte_u8(a, i) * byte_s8(b, i);
  return acc;
#endif
}

QASIM_HD inline int popcount64(uint64_t v) {
#if defined(__CUDA_ARCH__)
  return __popcll(v);
#else
  return __builtin_popcountll(v);
#endif
}

// Sum of x_i * w_i over the `bits` low bits of two words of ±1 values (bit 1 for -1):
// bits - 2 * popcount(x XOR w). Bits above `bits` must be 0 in both words.
QASIM_HD inline int32_t xnor_dot(uint64_t x, uint64_t w, int bits) {
  return bits - 2 * popcount64(x ^ w);
}

// kernels::apply_overflow for one accumulator: two's-complement wrap to `bits`, or clamp to
// the `bits`-bit range. bits in [2, 64].
QASIM_HD inline int64_t overflow_one(int64_t v, int bits, bool wrap) {
  if (bits >= 64) return v;
  const int drop = 64 - bits;
  if (wrap) return static_cast<int64_t>(static_cast<uint64_t>(v) << drop) >> drop;
  const int64_t hi = (int64_t{1} << (bits - 1)) - 1, lo = -hi - 1;
  return v < lo ? lo : (v > hi ? hi : v);
}

// The requantization modes of kernels::RequantMode, as plain numbers for device code.
enum class RequantKind : int32_t { OnnxFloat = 0, Gemmlowp = 1, MulShift = 2 };

// One output channel's multiplier in the form its mode needs (fixed_point::Multiplier).
struct ChannelMultiplier {
  float onnx = 0;     // OnnxFloat: M in float32
  int64_t fixed = 0;  // Gemmlowp: Q31 m0; MulShift: m
  int32_t shift = 0;  // Gemmlowp: right shift (negative: left); MulShift: s
};

// What requantizes one layer's accumulators (besides the per-channel multipliers).
struct RequantSpec {
  RequantKind kind = RequantKind::OnnxFloat;
  int32_t zero_point = 0;
  int32_t lo = 0, hi = 0;  // clamp range of the output integers
  bool binary = false;     // a Binary output: sign of the accumulator, sign(0) = +1
  int32_t acc_bits = 32;   // accumulator width and overflow rule (AccumulatorSpec)
  bool acc_wrap = false;
};

namespace detail {

QASIM_HD inline int64_t clamp64(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

QASIM_HD inline int32_t saturate_int32(int64_t x) {
  return static_cast<int32_t>(clamp64(x, INT32_MIN, INT32_MAX));
}

// gemmlowp SaturatingRoundingDoublingHighMul (fixed_point.h).
QASIM_HD inline int32_t srdhm(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t ab = int64_t{a} * int64_t{b};
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (int64_t{1} - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// gemmlowp RoundingDivideByPOT, exponent in [0, 31].
QASIM_HD inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int64_t mask = (int64_t{1} << exponent) - 1;
  const int64_t remainder = int64_t{x} & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int32_t>((int64_t{x} >> exponent) + (remainder > threshold ? 1 : 0));
}

// fixed_point::round_half_even_clamped: NaN -> lo; rint rounds half to even in the default
// rounding mode, on the host as on the GPU.
QASIM_HD inline int64_t round_half_even_clamped(float v, int64_t lo, int64_t hi) {
  if (v != v) return lo;
  const double d = v;
  if (d <= static_cast<double>(lo)) return lo;
  if (d >= static_cast<double>(hi)) return hi;
  return clamp64(static_cast<int64_t>(rint(d)), lo, hi);
}

// float32(acc) * m rounded once to float32 (no fused operation can intervene on either side).
QASIM_HD inline float onnx_product(int64_t acc, float m) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(__ll2float_rn(acc), m);
#else
  return static_cast<float>(acc) * m;
#endif
}

// fixed_point::mulshift_apply then clamp128: the product is exact in 128 bits.
QASIM_HD inline int64_t mulshift_clamped(int64_t acc, int64_t m, int shift, int64_t zp, int64_t lo,
                                         int64_t hi) {
  const __int128 product = static_cast<__int128>(acc) * m;
  __int128 v = shift > 0 ? (product + (static_cast<__int128>(1) << (shift - 1))) >> shift
                         : product * (static_cast<__int128>(1) << -shift);
  v += zp;
  if (v < lo) return lo;
  if (v > hi) return hi;
  return static_cast<int64_t>(v);
}

}  // namespace detail

// fixed_point::requantize for one accumulator (after overflow), or the sign for a Binary
// output, exactly as Requantizer::apply.
QASIM_HD inline int32_t requantize_one(const RequantSpec& spec, const ChannelMultiplier& m,
                                       int64_t acc) {
  if (spec.binary) return acc >= 0 ? 1 : -1;
  const int64_t zp = spec.zero_point;
  switch (spec.kind) {
    case RequantKind::OnnxFloat: {
      const float v = detail::onnx_product(acc, m.onnx);
      return static_cast<int32_t>(detail::round_half_even_clamped(v, spec.lo - zp, spec.hi - zp) +
                                  zp);
    }
    case RequantKind::Gemmlowp: {
      const int left = m.shift < 0 ? -m.shift : 0;
      const int right = m.shift > 0 ? m.shift : 0;
      const int32_t x = detail::saturate_int32(static_cast<int64_t>(detail::saturate_int32(acc)) *
                                               (int64_t{1} << left));
      const int32_t scaled =
          detail::rounding_divide_by_pot(detail::srdhm(x, static_cast<int32_t>(m.fixed)), right);
      return static_cast<int32_t>(detail::clamp64(scaled + zp, spec.lo, spec.hi));
    }
    case RequantKind::MulShift:
      return static_cast<int32_t>(
          detail::mulshift_clamped(acc, m.fixed, m.shift, zp, spec.lo, spec.hi));
  }
  return spec.lo;
}

// The whole epilogue of one output value: bias, accumulator overflow, requantization.
QASIM_HD inline int32_t finish_output(const RequantSpec& spec, const ChannelMultiplier& m,
                                      int64_t bias, int64_t dot) {
  return requantize_one(spec, m, overflow_one(bias + dot, spec.acc_bits, spec.acc_wrap));
}

}  // namespace qasim::kernels::cuda
