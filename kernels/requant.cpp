// Accumulator overflow, activation clamps and requantization of accumulators.
//
// Requantization y = clamp(zp_out + round(acc * M), lo, hi), M = in_scale * w_scale / out_scale,
// in one of three modes (numerics.h):
//
// OnnxFloat — ONNX Runtime's MlasRequantizeOutput, used by QLinearConv and QLinearMatMul:
//   M is computed in float32 as (in_scale * w_scale) / out_scale; the product
//   float32(acc) * M is rounded to float32; then round half to even, + zero point, clamp.
//   The ONNX reference evaluator (onnx.reference QLinearConv/QLinearMatMul) uses the same
//   float32 M but multiplies in float64 (int32 array * float32 array promotes to float64).
//   The two agree except when the float32 product lands on or across a half-integer that
//   the float64 product does not, or when |acc| > 2^24; we follow ONNX Runtime, which is
//   what deployed models and imported ORT results were produced with. Both agree on every
//   test vector in onnx's node tests (qlinearconv, qlinearmatmul_2D/3D).
//
// Gemmlowp — Jacob et al. 2018 / TFLite: M = double(in) * double(w) / double(out) becomes
//   M0 (Q31, in [0.5, 1)) and a shift (fixed_point::quantize_multiplier). The int64
//   accumulator is first saturated to int32, because the gemmlowp pipeline is int32
//   throughout (a wider accumulator spec only changes what reaches this clamp); then
//   SaturatingRoundingDoublingHighMul and RoundingDivideByPOT (a left shift for M >= 1,
//   saturating), + zero point, clamp.
//
// Binary outputs (out.scheme == Binary, e.g. BNN/XNOR-Net activations) are the sign of the
// accumulator in every mode, sign(0) = +1: M > 0 preserves the sign, and a binary activation
// unit is a comparator on the accumulator (a folded BatchNorm moves its threshold into the
// bias). The clamp range does not apply.
//
// MulShift — a hardware multiplier: M = m * 2^-s with an unsigned mulshift_bits-bit m and
//   the largest s that keeps m in range; y = (acc * m + 2^(s-1)) >> s with an arithmetic
//   shift (round half towards +infinity), exact in 128 bits, + zero point, clamp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/fixed_point.h"
#include "kernels/ops.h"

namespace qasim::kernels {

namespace fp = fixed_point;

void apply_overflow(AccTensor& acc, const AccumulatorSpec& spec) {
  if (spec.bits < 2 || spec.bits > 64)
    throw std::invalid_argument(fmt::format("accumulator width {} outside [2, 64]", spec.bits));
  if (spec.bits == 64) return;  // the exact int64 sum is already the 64-bit result
  const int drop = 64 - spec.bits;
  int64_t* v = acc.data();
  const int64_t n = acc.size();
  if (spec.overflow == Overflow::Wrap) {
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; ++i) {
      // Keep the low `bits` bits and sign-extend them (C++20: conversion is modular and
      // >> of a negative value is arithmetic).
      v[i] = static_cast<int64_t>(static_cast<uint64_t>(v[i]) << drop) >> drop;
    }
  } else {
    const int64_t hi = (int64_t{1} << (spec.bits - 1)) - 1;
    const int64_t lo = -hi - 1;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; ++i) v[i] = std::clamp(v[i], lo, hi);
  }
}

namespace {

// A real bound mapped to the integer grid as QuantizeLinear would map it (float32
// division, round half to even, + zero point), then kept inside [qmin, qmax].
int32_t quantize_bound(float real, const QuantParams& out) {
  const float v = real / out.scale_at(0);
  const int64_t zp = out.zero_point_at(0);
  return static_cast<int32_t>(fp::round_half_even_clamped(v, out.qmin() - zp, out.qmax() - zp) +
                              zp);
}

}  // namespace

std::pair<int32_t, int32_t> activation_bounds(Activation act, const QuantParams& out, float clip_lo,
                                              float clip_hi) {
  const int32_t qmin = out.qmin(), qmax = out.qmax();
  const int32_t zp = std::clamp(out.zero_point_at(0), qmin, qmax);
  switch (act) {
    case Activation::None:
      return {qmin, qmax};
    case Activation::Relu:
      return {zp, qmax};
    case Activation::Relu6:
      return {zp, quantize_bound(6.0f, out)};
    case Activation::Clip:
      if (!(clip_lo <= clip_hi))
        throw std::invalid_argument(
            fmt::format("clip bounds [{}, {}] are empty or not numbers", clip_lo, clip_hi));
      return {quantize_bound(clip_lo, out), quantize_bound(clip_hi, out)};
  }
  return {qmin, qmax};
}

Requantizer::Requantizer(const Numerics& numerics, float in_scale,
                         const std::vector<float>& w_scales, const QuantParams& out, int32_t lo,
                         int32_t hi)
    : m_numerics(numerics),
      m_zero_point(out.zero_point.empty() ? 0 : out.zero_point[0]),
      m_binary(out.scheme == Scheme::Binary),
      m_lo(lo),
      m_hi(hi) {
  auto fail = [](const std::string& problem) {
    throw std::invalid_argument("Requantizer: " + problem);
  };
  if (w_scales.empty()) fail("no weight scale");
  if (out.scale.size() != 1 || out.zero_point.size() != 1)
    fail("the output must be quantized per tensor");
  if (lo > hi) fail(fmt::format("empty clamp range [{}, {}]", lo, hi));
  auto positive = [](float s) { return s > 0.f && std::isfinite(s); };
  const float out_scale = out.scale[0];
  if (!positive(in_scale) || !positive(out_scale))
    fail(fmt::format("scales must be positive and finite (in {}, out {})", in_scale, out_scale));
  if (numerics.requant == RequantMode::MulShift &&
      (numerics.mulshift_bits < 1 || numerics.mulshift_bits > 31))
    fail(fmt::format("mulshift_bits {} outside [1, 31]", numerics.mulshift_bits));

  m_channels.reserve(w_scales.size());
  for (float w_scale : w_scales) {
    if (!positive(w_scale)) fail(fmt::format("weight scale {} must be positive", w_scale));
    // Two float32 operations, in ONNX Runtime's order.
    const float onnx = fp::rounded(in_scale * w_scale) / out_scale;
    const double real = static_cast<double>(in_scale) * static_cast<double>(w_scale) /
                        static_cast<double>(out_scale);
    const fp::Multiplier m = fp::make_multiplier(numerics, onnx, real);
    Channel c{};
    c.float_multiplier = m.onnx;
    if (numerics.requant == RequantMode::Gemmlowp) {
      c.fixed_multiplier = m.q31.m0;
      c.shift = m.q31.right_shift;
    } else if (numerics.requant == RequantMode::MulShift) {
      c.fixed_multiplier = static_cast<int32_t>(m.mulshift.m);  // < 2^31: mulshift_bits <= 31
      c.shift = m.mulshift.shift;
    }
    m_channels.push_back(c);
  }
}

int32_t Requantizer::apply(int64_t acc, int64_t channel) const {
  const size_t index = m_channels.size() == 1 ? 0 : static_cast<size_t>(channel);
  if (channel < 0 || index >= m_channels.size())
    throw std::out_of_range(
        fmt::format("Requantizer: channel {} of {}", channel, m_channels.size()));
  if (m_binary) return binary_sign(acc);
  const Channel& c = m_channels[index];
  fp::Multiplier m;
  m.onnx = c.float_multiplier;
  m.q31 = {c.fixed_multiplier, c.shift};
  m.mulshift = {c.fixed_multiplier, c.shift};
  return fp::requantize(m_numerics.requant, m, acc, m_zero_point, m_lo, m_hi);
}

IntTensor Requantizer::apply(const AccTensor& acc) const {
  IntTensor y(acc.dims());
  const auto channels = static_cast<int64_t>(m_channels.size());
  if (channels > 1 && (acc.rank() < 2 || acc.dim(1) != channels))
    throw std::invalid_argument(fmt::format("Requantizer: {} channel scales for accumulators {}",
                                            channels, dims_to_string(acc.dims())));
  // Planes of one channel each ([n][c] of an N x C x ... tensor; the whole tensor when per
  // tensor), so the multiplier is looked up once per plane and planes run in parallel.
  const int64_t planes = channels > 1 ? acc.dim(0) * channels : 1;
  const int64_t inner = planes > 0 ? acc.size() / planes : 0;
  const int64_t* in = acc.data();
  int32_t* out = y.data();
#pragma omp parallel for schedule(static) if (acc.size() > 4096)
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t channel = channels > 1 ? p % channels : 0;
    if (m_binary) {
      for (int64_t i = p * inner; i < (p + 1) * inner; ++i) out[i] = binary_sign(in[i]);
      continue;
    }
    const Channel& c = m_channels[static_cast<size_t>(channel)];
    if (m_numerics.requant == RequantMode::OnnxFloat) {
      // fp::requantize's OnnxFloat branch inlined for the hot loop: the same float32
      // product, then clamp and round half to even (clamping to integer bounds before or
      // after rounding gives the same integer).
      const double lo = static_cast<double>(m_lo) - m_zero_point;
      const double hi = static_cast<double>(m_hi) - m_zero_point;
      for (int64_t i = p * inner; i < (p + 1) * inner; ++i) {
        const double v = static_cast<float>(in[i]) * c.float_multiplier;
        out[i] = static_cast<int32_t>(std::nearbyint(std::clamp(v, lo, hi))) + m_zero_point;
      }
      continue;
    }
    fp::Multiplier m;
    m.onnx = c.float_multiplier;
    m.q31 = {c.fixed_multiplier, c.shift};
    m.mulshift = {c.fixed_multiplier, c.shift};
    for (int64_t i = p * inner; i < (p + 1) * inner; ++i)
      out[i] = fp::requantize(m_numerics.requant, m, in[i], m_zero_point, m_lo, m_hi);
  }
  return y;
}

}  // namespace qasim::kernels
