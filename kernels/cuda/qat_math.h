// Per-element forward and backward of the element-wise QAT activation methods (kernels/qat:
// BNN/XNOR sign, DoReFa activations, PACT, HWGQ, LSQ), as QASIM_HD functions for GPU kernels.
// Each is the same sequence of float operations as the CPU method's loop, so results are
// bit-identical; tests/kernels/cuda_qat_math_test.cpp checks them against make_quantizer's
// methods on random and boundary values. The CUDA training backend does not use them yet:
// its model keeps tensors and quantizers on the host (workloads/train/README.md, "CUDA");
// a device-resident model would apply these in its kernels. Weight methods with per-tensor
// statistics (XNOR alpha, TWN, DoReFa weights) and the stochastic ones are not here.
#pragma once

#include <math.h>

#include <cstdint>

#include "kernels/cuda/hd.h"

namespace qasim::kernels::cuda::qat {

// Round half to even of |v| <= 2^22 by the 1.5 * 2^23 trick, exactly as
// kernels/qat/common.h round_half_even (including +0 for small negatives).
QASIM_HD inline float round_half_even(float v) {
  constexpr float kShift = 12582912.f;  // 1.5 * 2^23
#if defined(__CUDA_ARCH__)
  return __fsub_rn(__fadd_rn(v, kShift), kShift);  // two roundings, never contracted
#else
  return (v + kShift) - kShift;
#endif
}

// std::clamp(v, lo, hi) (NaN passes through).
QASIM_HD inline float clamp(float v, float lo, float hi) {
  return v < lo ? lo : (hi < v ? hi : v);
}

QASIM_HD inline float masked(bool keep, float dy) {
  return keep ? dy : 0.f;
}

// BNN / XNOR activations: sign with sign(0) = +1; hard-tanh STE.
QASIM_HD inline float sign_forward(float x) {
  return x >= 0.f ? 1.f : -1.f;
}
QASIM_HD inline float hard_tanh_backward(float x, float dy) {
  return masked(fabsf(x) <= 1.f, dy);
}

// DoReFa activations: round(clip(x, 0, 1) * n) * (1 / n), n = 2^k - 1.
QASIM_HD inline float dorefa_act_forward(float x, float levels, float scale) {
  return round_half_even(clamp(x, 0.f, 1.f) * levels) * scale;
}
QASIM_HD inline float dorefa_act_backward(float x, float dy) {
  return masked((x >= 0.f) & (x <= 1.f), dy);
}

// PACT: min(round(clip(x, 0, alpha) / s), n) * s, s = alpha / n.
QASIM_HD inline float pact_forward(float x, float alpha, float step, float levels) {
  const float q = round_half_even(clamp(x, 0.f, alpha) / step);
  return (levels < q ? levels : q) * step;
}
QASIM_HD inline float pact_backward(float x, float alpha, float dy) {
  return masked((x >= 0.f) & (x < alpha), dy);
}
// The element's term of dalpha: dy where x >= alpha.
QASIM_HD inline double pact_alpha_term(float x, float alpha, float dy) {
  return x >= alpha ? double{dy} : 0.0;
}

// HWGQ: round(clip(x / step, 0, n)) * step; clipped-ReLU STE up to n * step.
QASIM_HD inline float hwgq_forward(float x, float step, float levels) {
  return round_half_even(clamp(x / step, 0.f, levels)) * step;
}
QASIM_HD inline float hwgq_backward(float x, float clip, float dy) {
  return masked((x > 0.f) & (x <= clip), dy);
}

// LSQ: round(clip(x / s, -Q_N, Q_P)) * s; STE inside; the element's step-gradient term.
QASIM_HD inline float lsq_forward(float x, float step, float lo, float hi) {
  return round_half_even(clamp(x / step, lo, hi)) * step;
}
QASIM_HD inline float lsq_backward(float x, float step, float lo, float hi, float dy) {
  const float v = x / step;
  return masked((v > lo) & (v < hi), dy);
}
QASIM_HD inline double lsq_step_term(float x, float step, float lo, float hi, float dy) {
  const float v = x / step;
  const float d = v <= lo ? lo : (v >= hi ? hi : round_half_even(v) - v);
  return double{dy} * d;
}

}  // namespace qasim::kernels::cuda::qat
