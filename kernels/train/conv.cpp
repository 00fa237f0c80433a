// Convolution as im2col + GEMM over the whole batch (CNHW layout, see conv.h). The unfolded
// matrix has one row per (input channel, ky, kx) and one column per (n, oy, ox); rows of one
// group are contiguous, so group g's GEMM reads a block of rows. Every parallel loop below
// writes disjoint outputs in a fixed order, so results do not depend on scheduling.
#include "kernels/train/conv.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "kernels/train/conv_onednn.h"
#include "kernels/train/gemm.h"

namespace qasim::kernels::train {

void ConvDims::check() const {
  const ConvGeometry& g = geometry;
  if (batch < 1 || in_c < 1 || in_h < 1 || in_w < 1 || out_c < 1 || g.groups < 1 ||
      in_c % g.groups != 0 || out_c % g.groups != 0 || g.kernel_h < 1 || g.kernel_w < 1 ||
      g.stride_h < 1 || g.stride_w < 1 || g.dilation_h < 1 || g.dilation_w < 1 || out_h() < 1 ||
      out_w() < 1)
    throw std::invalid_argument(fmt::format(
        "train conv: inconsistent dims batch {} in {}x{}x{} out_c {} kernel {}x{} groups {}", batch,
        in_c, in_h, in_w, out_c, g.kernel_h, g.kernel_w, g.groups));
}

namespace {

// A 1x1, stride-1, unpadded convolution reads x itself as the unfolded matrix.
bool is_pointwise(const ConvDims& d) {
  const ConvGeometry& g = d.geometry;
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.pad_top == 0 && g.pad_left == 0 && g.pad_bottom == 0 && g.pad_right == 0;
}

// Output columns [lo, hi) whose input column ox * stride - pad + offset lies inside [0, size).
struct Span {
  int64_t lo, hi;
};
Span valid_span(int64_t out, int64_t stride, int64_t offset, int64_t size) {
  // ox * stride + offset >= 0  and  ox * stride + offset < size
  int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t hi = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride;
  lo = std::min(lo, out);
  hi = std::clamp(hi, lo, out);
  return {lo, hi};
}

template <typename T>
void im2col(const ConvDims& d, const T* x, T* cols) {
  const ConvGeometry& g = d.geometry;
  const int64_t oh = d.out_h(), ow = d.out_w(), kk = d.kernel_size();
  const int64_t rows = d.in_c * kk, plane = d.in_h * d.in_w;
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t c = r / kk, ky = (r % kk) / g.kernel_w, kx = r % g.kernel_w;
    const int64_t x_off = kx * g.dilation_w - g.pad_left;
    const Span span = valid_span(ow, g.stride_w, x_off, d.in_w);
    T* out = cols + r * d.positions();
    for (int64_t n = 0; n < d.batch; ++n) {
      const T* src = x + (c * d.batch + n) * plane;
      for (int64_t oy = 0; oy < oh; ++oy, out += ow) {
        const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
        if (iy < 0 || iy >= d.in_h) {
          std::fill_n(out, ow, T(0));
          continue;
        }
        const T* row = src + iy * d.in_w;
        std::fill_n(out, span.lo, T(0));
        if (g.stride_w == 1)
          std::copy(row + span.lo + x_off, row + span.hi + x_off, out + span.lo);
        else
          for (int64_t ox = span.lo; ox < span.hi; ++ox) out[ox] = row[ox * g.stride_w + x_off];
        std::fill(out + span.hi, out + ow, T(0));
      }
    }
  }
}

// dx = sum of the unfolded gradient over every place each input element was copied to.
// Parallel over input channels: a channel's rows only touch that channel's planes.
template <typename T>
void col2im(const ConvDims& d, const T* cols, T* dx) {
  const ConvGeometry& g = d.geometry;
  const int64_t oh = d.out_h(), ow = d.out_w(), kk = d.kernel_size(), plane = d.in_h * d.in_w;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < d.in_c; ++c) {
    std::fill_n(dx + c * d.batch * plane, d.batch * plane, T(0));
    for (int64_t t = 0; t < kk; ++t) {
      const int64_t ky = t / g.kernel_w, kx = t % g.kernel_w;
      const int64_t x_off = kx * g.dilation_w - g.pad_left;
      const Span span = valid_span(ow, g.stride_w, x_off, d.in_w);
      const T* in = cols + (c * kk + t) * d.positions();
      for (int64_t n = 0; n < d.batch; ++n) {
        T* dst = dx + (c * d.batch + n) * plane;
        for (int64_t oy = 0; oy < oh; ++oy, in += ow) {
          const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
          if (iy < 0 || iy >= d.in_h) continue;
          T* row = dst + iy * d.in_w;
          if (g.stride_w == 1) {
            T* shifted = row + span.lo + x_off;
            const T* from = in + span.lo;
            for (int64_t k = 0; k < span.hi - span.lo; ++k) shifted[k] += from[k];
          } else {
            for (int64_t ox = span.lo; ox < span.hi; ++ox) row[ox * g.stride_w + x_off] += in[ox];
          }
        }
      }
    }
  }
}

template <typename T>
const T* unfolded(const ConvDims& d, const T* x, std::vector<T>& scratch) {
  if (is_pointwise(d)) return x;
  scratch.resize(static_cast<size_t>(d.in_c * d.kernel_size() * d.positions()));
  im2col(d, x, scratch.data());
  return scratch.data();
}

}  // namespace

template <typename T>
void conv_forward(const ConvDims& d, const T* x, const T* w, const T* bias, T* y,
                  std::vector<T>& scratch) {
  d.check();
  if constexpr (std::is_same_v<T, float>)
    if (onednn_conv_forward(d, x, w, bias, y)) return;
  const T* cols = unfolded(d, x, scratch);
  const int64_t groups = d.groups(), ocg = d.out_c / groups, kg = d.k_per_group(),
                np = d.positions();
  for (int64_t gi = 0; gi < groups; ++gi)
    gemm<T>(false, false, ocg, np, kg, T(1), w + gi * ocg * kg, kg, cols + gi * kg * np, np, T(0),
            y + gi * ocg * np, np);
  if (bias) {
#pragma omp parallel for schedule(static)
    for (int64_t oc = 0; oc < d.out_c; ++oc) {
      T* row = y + oc * np;
      for (int64_t i = 0; i < np; ++i) row[i] += bias[oc];
    }
  }
}

template <typename T>
void conv_backward_data(const ConvDims& d, const T* dy, const T* w, T* dx,
                        std::vector<T>& scratch) {
  d.check();
  if constexpr (std::is_same_v<T, float>)
    if (onednn_conv_backward_data(d, dy, w, dx)) return;
  const int64_t groups = d.groups(), ocg = d.out_c / groups, kg = d.k_per_group(),
                np = d.positions();
  const bool direct = is_pointwise(d);
  if (!direct) scratch.resize(static_cast<size_t>(d.in_c * d.kernel_size() * np));
  T* cols = direct ? dx : scratch.data();
  for (int64_t gi = 0; gi < groups; ++gi)
    gemm<T>(true, false, kg, np, ocg, T(1), w + gi * ocg * kg, kg, dy + gi * ocg * np, np, T(0),
            cols + gi * kg * np, np);
  if (!direct) col2im(d, cols, dx);
}

template <typename T>
void conv_backward_weights(const ConvDims& d, const T* x, const T* dy, T* dw, T* dbias,
                           std::vector<T>& scratch) {
  d.check();
  if constexpr (std::is_same_v<T, float>)
    if (onednn_conv_backward_weights(d, x, dy, dw, dbias)) return;
  const T* cols = unfolded(d, x, scratch);
  const int64_t groups = d.groups(), ocg = d.out_c / groups, kg = d.k_per_group(),
                np = d.positions();
  for (int64_t gi = 0; gi < groups; ++gi)
    gemm<T>(false, true, ocg, kg, np, T(1), dy + gi * ocg * np, np, cols + gi * kg * np, np, T(1),
            dw + gi * ocg * kg, kg);
  if (dbias) {
#pragma omp parallel for schedule(static)
    for (int64_t oc = 0; oc < d.out_c; ++oc) {
      const T* row = dy + oc * np;
      T sum = 0;
      for (int64_t i = 0; i < np; ++i) sum += row[i];
      dbias[oc] += sum;
    }
  }
}

template <typename T>
void fc_forward(int64_t k, int64_t n, int64_t oc, const T* x, const T* w, const T* bias, T* y) {
  gemm<T>(false, false, oc, n, k, T(1), w, k, x, n, T(0), y, n);
  if (bias)
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t i = 0; i < n; ++i) y[o * n + i] += bias[o];
}

template <typename T>
void fc_backward(int64_t k, int64_t n, int64_t oc, const T* x, const T* w, const T* dy, T* dx,
                 T* dw, T* dbias) {
  gemm<T>(true, false, k, n, oc, T(1), w, k, dy, n, T(0), dx, n);
  gemm<T>(false, true, oc, k, n, T(1), dy, n, x, n, T(1), dw, k);
  if (dbias)
    for (int64_t o = 0; o < oc; ++o) {
      T sum = 0;
      for (int64_t i = 0; i < n; ++i) sum += dy[o * n + i];
      dbias[o] += sum;
    }
}

template <typename T>
void cnhw_to_features(int64_t c, int64_t n, int64_t hw, const T* x, T* features) {
  // features[(ci * hw + p) * n + b] = x[(ci * n + b) * hw + p]
#pragma omp parallel for schedule(static)
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t b = 0; b < n; ++b)
      for (int64_t p = 0; p < hw; ++p) features[(ci * hw + p) * n + b] = x[(ci * n + b) * hw + p];
}

template <typename T>
void features_to_cnhw(int64_t c, int64_t n, int64_t hw, const T* features, T* x) {
#pragma omp parallel for schedule(static)
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t b = 0; b < n; ++b)
      for (int64_t p = 0; p < hw; ++p) x[(ci * n + b) * hw + p] = features[(ci * hw + p) * n + b];
}

#define QASIM_INSTANTIATE(T)                                                                     \
  template void conv_forward<T>(const ConvDims&, const T*, const T*, const T*, T*,               \
                                std::vector<T>&);                                                \
  template void conv_backward_data<T>(const ConvDims&, const T*, const T*, T*, std::vector<T>&); \
  template void conv_backward_weights<T>(const ConvDims&, const T*, const T*, T*, T*,            \
                                         std::vector<T>&);                                       \
  template void fc_forward<T>(int64_t, int64_t, int64_t, const T*, const T*, const T*, T*);      \
  template void fc_backward<T>(int64_t, int64_t, int64_t, const T*, const T*, const T*, T*, T*,  \
                               T*);                                                              \
  template void cnhw_to_features<T>(int64_t, int64_t, int64_t, const T*, T*);                    \
  template void features_to_cnhw<T>(int64_t, int64_t, int64_t, const T*, T*);
QASIM_INSTANTIATE(float)
QASIM_INSTANTIATE(double)
#undef QASIM_INSTANTIATE

}  // namespace qasim::kernels::train
