// The per-element arithmetic of the CUDA training kernels (train_ops.cu): gather forms of
// im2col/col2im, pooling forward and backward, activations and the batch-norm element maps.
// Each function computes one output element and is written so that, where the CPU kernels
// (kernels/train) add in a fixed order, it adds in the same order: the host tests
// (tests/kernels/cuda_train_math_test.cpp) run these over whole tensors on the CPU and find
// pooling and activations bit-identical to kernels/train, the batch-norm maps equal given the
// same channel statistics, and im2col/col2im giving the same convolutions within float
// tolerance (the CPU convolution may run in oneDNN). The GPU's channel sums and cuBLAS
// products add in another order: the GPU agrees with the CPU within float tolerance only,
// which tests/gpu checks on a machine with a GPU.
#pragma once

#include <math.h>

#include <cstdint>

#include "kernels/cuda/hd.h"
#include "kernels/ops.h"
#include "kernels/train/conv.h"
#include "kernels/train/pool.h"

namespace qasim::kernels::cuda {

// A convolution's sizes as plain numbers for device code (kernels::train::ConvDims).
struct TrainConvDims {
  int64_t batch = 0, in_c = 0, in_h = 0, in_w = 0, out_c = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
  int64_t dilation_h = 1, dilation_w = 1, groups = 1;

  QASIM_HD int64_t kernel_size() const { return kernel_h * kernel_w; }
  QASIM_HD int64_t positions() const { return batch * out_h * out_w; }
  QASIM_HD int64_t k_per_group() const { return in_c / groups * kernel_size(); }
};

inline TrainConvDims train_conv_dims(const train::ConvDims& d) {
  const ConvGeometry& g = d.geometry;
  return {d.batch,    d.in_c,       d.in_h,       d.in_w,     d.out_c,    d.out_h(),
          d.out_w(),  g.kernel_h,   g.kernel_w,   g.stride_h, g.stride_w, g.pad_top,
          g.pad_left, g.dilation_h, g.dilation_w, g.groups};
}

// Element (row r, column col) of the unfolded input: r = (c, ky, kx), col = (n, oy, ox);
// 0 where the tap falls in the padding.
QASIM_HD inline float im2col_value(const TrainConvDims& d, const float* x, int64_t r, int64_t col) {
  const int64_t kk = d.kernel_size();
  const int64_t c = r / kk, ky = r % kk / d.kernel_w, kx = r % d.kernel_w;
  const int64_t ox = col % d.out_w, oy = col / d.out_w % d.out_h, n = col / (d.out_w * d.out_h);
  const int64_t iy = oy * d.stride_h - d.pad_top + ky * d.dilation_h;
  const int64_t ix = ox * d.stride_w - d.pad_left + kx * d.dilation_w;
  if (iy < 0 || iy >= d.in_h || ix < 0 || ix >= d.in_w) return 0.f;
  return x[((c * d.batch + n) * d.in_h + iy) * d.in_w + ix];
}

// floor(a / b) for b > 0.
QASIM_HD inline int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// dx[c][n][iy][ix] of the transposed unfolding: the sum of every unfolded element copied from
// that input, taps in ascending order (as kernels/train col2im adds them).
QASIM_HD inline float col2im_value(const TrainConvDims& d, const float* cols, int64_t index) {
  const int64_t ix = index % d.in_w, iy = index / d.in_w % d.in_h;
  const int64_t n = index / (d.in_w * d.in_h) % d.batch, c = index / (d.in_w * d.in_h * d.batch);
  const int64_t np = d.positions();
  float sum = 0.f;
  for (int64_t ky = 0; ky < d.kernel_h; ++ky) {
    const int64_t ty = iy + d.pad_top - ky * d.dilation_h;
    if (ty < 0 || ty % d.stride_h != 0 || ty / d.stride_h >= d.out_h) continue;
    for (int64_t kx = 0; kx < d.kernel_w; ++kx) {
      const int64_t tx = ix + d.pad_left - kx * d.dilation_w;
      if (tx < 0 || tx % d.stride_w != 0 || tx / d.stride_w >= d.out_w) continue;
      const int64_t r = (c * d.kernel_h + ky) * d.kernel_w + kx;
      sum += cols[r * np + (n * d.out_h + ty / d.stride_h) * d.out_w + tx / d.stride_w];
    }
  }
  return sum;
}

// Pooling sizes for device code (kernels::train::PoolDims; no dilation).
struct TrainPoolDims {
  int64_t planes = 0, in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
};

inline TrainPoolDims train_pool_dims(const train::PoolDims& d) {
  const ConvGeometry& g = d.geometry;
  return {d.planes,   d.in_h,     d.in_w,     d.out_h(), d.out_w(), g.kernel_h,
          g.kernel_w, g.stride_h, g.stride_w, g.pad_top, g.pad_left};
}

// The taps of output (oy, ox) inside the input, [y0, y1) x [x0, x1), and an average's divisor.
struct PoolWindow {
  int64_t y0, y1, x0, x1, count;
};

QASIM_HD inline PoolWindow pool_window(const TrainPoolDims& d, bool count_include_pad, int64_t oy,
                                       int64_t ox) {
  const int64_t ys = oy * d.stride_h - d.pad_top, xs = ox * d.stride_w - d.pad_left;
  PoolWindow w{ys > 0 ? ys : 0, ys + d.kernel_h < d.in_h ? ys + d.kernel_h : d.in_h,
               xs > 0 ? xs : 0, xs + d.kernel_w < d.in_w ? xs + d.kernel_w : d.in_w, 0};
  const int64_t inside = (w.y1 - w.y0) * (w.x1 - w.x0);
  w.count = count_include_pad ? d.kernel_h * d.kernel_w : (inside > 0 ? inside : 0);
  return w;
}

// Outputs whose window holds input row iy: [lo, hi] (empty when lo > hi).
QASIM_HD inline void pool_outputs_covering(int64_t i, int64_t pad, int64_t kernel, int64_t stride,
                                           int64_t out, int64_t& lo, int64_t& hi) {
  lo = floor_div(i + pad - kernel, stride) + 1;
  hi = floor_div(i + pad, stride);
  if (lo < 0) lo = 0;
  if (hi > out - 1) hi = out - 1;
}

// Max pooling output `index` of [planes][out_h][out_w]; the first maximum wins.
QASIM_HD inline float max_pool_value(const TrainPoolDims& d, const float* x, int64_t index,
                                     int32_t* argmax) {
  const int64_t ox = index % d.out_w, oy = index / d.out_w % d.out_h,
                p = index / (d.out_w * d.out_h);
  const PoolWindow w = pool_window(d, false, oy, ox);
  const float* src = x + p * d.in_h * d.in_w;
  float best = -INFINITY;
  int64_t at = w.y0 * d.in_w + w.x0;
  for (int64_t iy = w.y0; iy < w.y1; ++iy)
    for (int64_t ix = w.x0; ix < w.x1; ++ix)
      if (src[iy * d.in_w + ix] > best) best = src[iy * d.in_w + ix], at = iy * d.in_w + ix;
  *argmax = static_cast<int32_t>(at);
  return best;
}

// dx at input `index` of [planes][in_h][in_w]: the gradients of the outputs it won, in
// output order (as kernels/train adds them).
QASIM_HD inline float max_pool_grad(const TrainPoolDims& d, const float* dy, const int32_t* argmax,
                                    int64_t index) {
  const int64_t plane = d.in_h * d.in_w, p = index / plane, i = index % plane;
  const int64_t iy = i / d.in_w, ix = i % d.in_w;
  int64_t y_lo, y_hi, x_lo, x_hi;
  pool_outputs_covering(iy, d.pad_top, d.kernel_h, d.stride_h, d.out_h, y_lo, y_hi);
  pool_outputs_covering(ix, d.pad_left, d.kernel_w, d.stride_w, d.out_w, x_lo, x_hi);
  const int64_t base = p * d.out_h * d.out_w;
  float sum = 0.f;
  for (int64_t oy = y_lo; oy <= y_hi; ++oy)
    for (int64_t ox = x_lo; ox <= x_hi; ++ox) {
      const int64_t o = base + oy * d.out_w + ox;
      if (argmax[o] == i) sum += dy[o];
    }
  return sum;
}

QASIM_HD inline float avg_pool_value(const TrainPoolDims& d, bool count_include_pad, const float* x,
                                     int64_t index) {
  const int64_t ox = index % d.out_w, oy = index / d.out_w % d.out_h,
                p = index / (d.out_w * d.out_h);
  const PoolWindow w = pool_window(d, count_include_pad, oy, ox);
  const float* src = x + p * d.in_h * d.in_w;
  float sum = 0.f;
  for (int64_t iy = w.y0; iy < w.y1; ++iy)
    for (int64_t ix = w.x0; ix < w.x1; ++ix) sum += src[iy * d.in_w + ix];
  return sum / static_cast<float>(w.count);
}

QASIM_HD inline float avg_pool_grad(const TrainPoolDims& d, bool count_include_pad, const float* dy,
                                    int64_t index) {
  const int64_t plane = d.in_h * d.in_w, p = index / plane, i = index % plane;
  const int64_t iy = i / d.in_w, ix = i % d.in_w;
  int64_t y_lo, y_hi, x_lo, x_hi;
  pool_outputs_covering(iy, d.pad_top, d.kernel_h, d.stride_h, d.out_h, y_lo, y_hi);
  pool_outputs_covering(ix, d.pad_left, d.kernel_w, d.stride_w, d.out_w, x_lo, x_hi);
  const int64_t base = p * d.out_h * d.out_w;
  float sum = 0.f;
  for (int64_t oy = y_lo; oy <= y_hi; ++oy)
    for (int64_t ox = x_lo; ox <= x_hi; ++ox) {
      const PoolWindow w = pool_window(d, count_include_pad, oy, ox);
      sum += dy[base + oy * d.out_w + ox] / static_cast<float>(w.count);
    }
  return sum;
}

// Activation bounds [a, b] of kernels/train (None: unbounded, Relu: [0, inf), Relu6, Clip).
struct ActivationBounds {
  float lo, hi;
  bool open_top;  // Relu and None pass gradients at any height
};

inline ActivationBounds activation_bounds_of(Activation act, float clip_lo, float clip_hi) {
  const float inf = INFINITY;
  switch (act) {
    case Activation::None:
      return {-inf, inf, true};
    case Activation::Relu:
      return {0.f, inf, true};
    case Activation::Relu6:
      return {0.f, 6.f, false};
    case Activation::Clip:
      return {clip_lo, clip_hi, false};
  }
  return {-inf, inf, true};
}

// std::min(std::max(x, lo), hi) as kernels/train computes it (NaN passes through).
QASIM_HD inline float activation_value(const ActivationBounds& b, float x) {
  const float v = x < b.lo ? b.lo : x;
  return b.hi < v ? b.hi : v;
}

// PyTorch's convention at the kinks: no gradient at the lower bound, nor at or beyond a
// closed upper one.
QASIM_HD inline float activation_grad(const ActivationBounds& b, float x, float dy) {
  const bool pass = x > b.lo && (b.open_top || x < b.hi);
  return pass ? dy : 0.f;
}

// Batch norm, training: x_hat and y of one element from its channel's mean and 1/std (both
// already rounded to float, as kernels/train rounds them).
QASIM_HD inline float bn_x_hat(float x, float mean, float inv_std) {
  return (x - mean) * inv_std;
}
QASIM_HD inline float bn_affine(float gamma, float x_hat, float beta) {
  return gamma * x_hat + beta;
}
// dx = gamma * inv_std * (dy - mean(dy) - x_hat * mean(dy * x_hat)); k = gamma * inv_std.
QASIM_HD inline float bn_grad(float k, float dy, float mean_dy, float x_hat, float mean_dy_h) {
  return k * (dy - mean_dy - x_hat * mean_dy_h);
}

}  // namespace qasim::kernels::cuda
