// The per-output body of the exact convolution kernels (exact_conv.h): the CUDA kernel runs
// it once per thread, run_exact_conv_host once per output on the CPU.
#pragma once

#include <cstdint>

#include "kernels/cuda/exact_conv.h"
#include "kernels/cuda/exact_math.h"

namespace qasim::kernels::cuda {

// One packed word pair of each path, accumulated into an int32.
struct Int8SignedWord {
  QASIM_HD int32_t operator()(uint32_t x, uint32_t w, int32_t acc, int32_t /*word*/) const {
    return dot4_s8s8(x, w, acc);
  }
};
struct Int8UnsignedWord {
  QASIM_HD int32_t operator()(uint32_t x, uint32_t w, int32_t acc, int32_t /*word*/) const {
    return dot4_u8s8(x, w, acc);
  }
};
struct BinaryWord {
  int32_t in_cg;  // channels per group: the last word of a tap holds in_cg % 64 of them
  QASIM_HD int32_t operator()(uint64_t x, uint64_t w, int32_t acc, int32_t word) const {
    const int32_t left = in_cg - 64 * word;
    return acc + xnor_dot(x, w, left < 64 ? left : 64);
  }
};

// Sum over the valid taps of output (n, oc, oy, ox) of (x - x_zp) * (w - w_zp): the packed
// operands hold x - x_pack_offset and w - w_zp, the tap sums correct for the difference,
// and padding (x == x_zp, a zero contribution) is a skipped tap.
template <typename Word, typename WordDot>
QASIM_HD inline int32_t exact_conv_dot(const ExactConvDims& d, const Word* x, const Word* w,
                                       const int32_t* tap_sums, int32_t n, int32_t oc, int32_t oy,
                                       int32_t ox, WordDot dot) {
  const int32_t* sums = d.x_delta != 0 ? tap_sums + int64_t{oc} * d.kernel_h * d.kernel_w : nullptr;
  const int32_t group = oc / d.out_cg;
  const Word* image = x + (int64_t{n} * d.groups + group) * d.in_h * d.in_w * d.words;
  const Word* filter = w + int64_t{oc} * d.kernel_h * d.kernel_w * d.words;
  int32_t acc = 0;
  for (int32_t ky = 0; ky < d.kernel_h; ++ky) {
    const int32_t iy = oy * d.stride_h - d.pad_top + ky * d.dilation_h;
    if (iy < 0 || iy >= d.in_h) continue;
    for (int32_t kx = 0; kx < d.kernel_w; ++kx) {
      const int32_t ix = ox * d.stride_w - d.pad_left + kx * d.dilation_w;
      if (ix < 0 || ix >= d.in_w) continue;
      const Word* xp = image + (int64_t{iy} * d.in_w + ix) * d.words;
      const Word* wp = filter + (int64_t{ky} * d.kernel_w + kx) * d.words;
      for (int32_t i = 0; i < d.words; ++i) acc = dot(xp[i], wp[i], acc, i);
      if (sums) acc += d.x_delta * sums[ky * d.kernel_w + kx];
    }
  }
  return acc;
}

// Output number `index` of [N, OC, out_h, out_w]: its dot product, then bias, overflow and
// requantization.
template <typename Word, typename WordDot>
QASIM_HD inline int32_t exact_conv_output(const ExactConvDims& d, const Word* x, const Word* w,
                                          const int32_t* tap_sums, const RequantSpec& spec,
                                          const ChannelMultiplier* mult, const int64_t* bias,
                                          int64_t index, WordDot dot) {
  const int32_t ox = static_cast<int32_t>(index % d.out_w);
  const int32_t oy = static_cast<int32_t>(index / d.out_w % d.out_h);
  const int32_t oc = static_cast<int32_t>(index / (int64_t{d.out_w} * d.out_h) % d.out_c);
  const int32_t n = static_cast<int32_t>(index / (int64_t{d.out_w} * d.out_h * d.out_c));
  const int32_t dotv = exact_conv_dot(d, x, w, tap_sums, n, oc, oy, ox, dot);
  return finish_output(spec, mult[oc], bias[oc], dotv);
}

}  // namespace qasim::kernels::cuda
