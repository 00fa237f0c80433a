// Integer layer operations of the golden reference. Accumulation is exact (int64);
// overflow, requantization and activation clamping are separate, explicit steps so
// every accelerator can match them bit for bit.
//
// Layout: activations NCHW, conv weights [OC, IC/groups, KH, KW], FC x [N, K], w [OC, K].
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/numerics.h"
#include "kernels/quant.h"
#include "kernels/tensor.h"

namespace qasim::kernels {

using AccTensor = Tensor<int64_t>;

struct ConvGeometry {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;

  // Output size; 0 when the (dilated) window does not fit the padded input. (Plain C++
  // division truncates towards zero and would turn a slightly negative span into 1.)
  int out_h(int in_h) const {
    const int span = in_h + pad_top + pad_bottom - dilation_h * (kernel_h - 1) - 1;
    return span < 0 ? 0 : span / stride_h + 1;
  }
  int out_w(int in_w) const {
    const int span = in_w + pad_left + pad_right - dilation_w * (kernel_w - 1) - 1;
    return span < 0 ? 0 : span / stride_w + 1;
  }
  bool operator==(const ConvGeometry&) const = default;
};

enum class Activation { None, Relu, Relu6, Clip };

// Integer clamp bounds [lo, hi] of an activation fused after requantization to `out`.
// Clip uses [clip_lo, clip_hi] in real units.
std::pair<int32_t, int32_t> activation_bounds(Activation act, const QuantParams& out,
                                              float clip_lo = 0.f, float clip_hi = 0.f);

// acc[n][oc][oy][ox] = bias[oc] + sum (x - x_zp) * (w - w_zp[oc]); padding is x == x_zp.
// `bias` may be empty. Dispatches to the fastest exact path for the operand widths.
AccTensor conv2d_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                            const QuantParams& wq, const std::vector<int32_t>& bias,
                            const ConvGeometry& g);
// acc[n][oc] = bias[oc] + sum_k (x[n][k] - x_zp) * (w[oc][k] - w_zp[oc]).
AccTensor fc_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                        const QuantParams& wq, const std::vector<int32_t>& bias);

namespace reference {
// Plain nested loops: slow, obviously correct; the oracle for the fast paths.
AccTensor conv2d_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                            const QuantParams& wq, const std::vector<int32_t>& bias,
                            const ConvGeometry& g);
AccTensor fc_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                        const QuantParams& wq, const std::vector<int32_t>& bias);
}  // namespace reference

// Applies the accumulator's width and overflow semantics in place.
void apply_overflow(AccTensor& acc, const AccumulatorSpec& spec);

// Sign with sign(0) = +1: how every op produces a Binary-scheme output.
inline int32_t binary_sign(int64_t v) {
  return v >= 0 ? 1 : -1;
}

// Requantizes accumulators whose real scale is in_scale * w_scale[c] (c = channel along
// axis 1; one w_scale means per tensor) to `out` integers, clamped to [lo, hi]. The exact
// semantics of each mode are written at the top of requant.cpp; a Binary `out` gets the
// sign of the accumulator.
class Requantizer {
 public:
  Requantizer(const Numerics& numerics, float in_scale, const std::vector<float>& w_scales,
              const QuantParams& out, int32_t lo, int32_t hi);
  int32_t apply(int64_t acc, int64_t channel) const;
  IntTensor apply(const AccTensor& acc) const;  // channel axis 1 (or per tensor)

 private:
  struct Channel {
    float float_multiplier;    // OnnxFloat
    int32_t fixed_multiplier;  // Gemmlowp M0 (Q31) or MulShift m
    int shift;                 // Gemmlowp right shift (negative: left) or MulShift s
  };
  Numerics m_numerics;
  std::vector<Channel> m_channels;
  int32_t m_zero_point;
  bool m_binary;  // out is Binary: sign of the accumulator
  int32_t m_lo, m_hi;
};

// Max pooling keeps the input's quantization; padded taps never win.
IntTensor max_pool(const IntTensor& x, const ConvGeometry& g);
// Ops whose `out` is Binary produce the sign (sign(0) = +1) of their exact real result.
// Average pooling: exact window sum, then requantized from xq (scale / count) to `out`.
IntTensor avg_pool(const IntTensor& x, const QuantParams& xq, const ConvGeometry& g,
                   bool count_include_pad, const QuantParams& out, const Numerics& numerics);
IntTensor global_avg_pool(const IntTensor& x, const QuantParams& xq, const QuantParams& out,
                          const Numerics& numerics);
// y = requant(a) + requant(b) into `out`, each input rescaled, clamped to [lo, hi].
IntTensor add(const IntTensor& a, const QuantParams& aq, const IntTensor& b, const QuantParams& bq,
              const QuantParams& out, const Numerics& numerics, int32_t lo, int32_t hi);
// Rescales x from xq to out (used by concat and by inputs of differing scale).
IntTensor rescale(const IntTensor& x, const QuantParams& xq, const QuantParams& out,
                  const Numerics& numerics);

// How two integer tensors differ: what a change of requantization mode costs.
struct Mismatch {
  int64_t total = 0;
  int64_t differing = 0;
  int32_t max_abs_diff = 0;
  double mean_abs_diff = 0;  // over all elements
};
Mismatch compare(const IntTensor& a, const IntTensor& b);

}  // namespace qasim::kernels
