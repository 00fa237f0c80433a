#include "kernels/train/pool.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace qasim::kernels::train {

namespace {

struct Window {
  int64_t y0, y1, x0, x1;  // taps inside the input: [y0, y1) x [x0, x1)
  int64_t count;           // divisor of an average
};

Window window(const PoolDims& d, bool count_include_pad, int64_t oy, int64_t ox) {
  const ConvGeometry& g = d.geometry;
  const int64_t ys = oy * g.stride_h - g.pad_top, xs = ox * g.stride_w - g.pad_left;
  Window w{std::max<int64_t>(ys, 0), std::min<int64_t>(ys + g.kernel_h, d.in_h),
           std::max<int64_t>(xs, 0), std::min<int64_t>(xs + g.kernel_w, d.in_w), 0};
  w.count = count_include_pad ? int64_t{g.kernel_h} * g.kernel_w
                              : std::max<int64_t>(0, (w.y1 - w.y0) * (w.x1 - w.x0));
  if (w.y1 <= w.y0 || w.x1 <= w.x0)
    throw std::invalid_argument("train pool: a window covers only padding");
  return w;
}

void check_dilation(const PoolDims& d) {
  if (d.geometry.dilation_h != 1 || d.geometry.dilation_w != 1)
    throw std::invalid_argument("train pool: dilated pooling is not supported");
}

}  // namespace

template <typename T>
void max_pool_forward(const PoolDims& d, const T* x, T* y, int32_t* argmax) {
  check_dilation(d);
  const int64_t oh = d.out_h(), ow = d.out_w(), plane = d.in_h * d.in_w;
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        const Window w = window(d, false, oy, ox);
        const T* src = x + p * plane;
        T best = -std::numeric_limits<T>::infinity();
        int64_t at = w.y0 * d.in_w + w.x0;
        for (int64_t iy = w.y0; iy < w.y1; ++iy)
          for (int64_t ix = w.x0; ix < w.x1; ++ix)
            if (src[iy * d.in_w + ix] > best) best = src[iy * d.in_w + ix], at = iy * d.in_w + ix;
        const int64_t o = (p * oh + oy) * ow + ox;
        y[o] = best;
        argmax[o] = static_cast<int32_t>(at);
      }
}

template <typename T>
void max_pool_backward(const PoolDims& d, const T* dy, const int32_t* argmax, T* dx) {
  const int64_t outs = d.out_h() * d.out_w(), plane = d.in_h * d.in_w;
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < d.planes; ++p) {
    T* dst = dx + p * plane;
    std::fill_n(dst, plane, T(0));
    for (int64_t o = 0; o < outs; ++o) dst[argmax[p * outs + o]] += dy[p * outs + o];
  }
}

template <typename T>
void avg_pool_forward(const PoolDims& d, bool count_include_pad, const T* x, T* y) {
  check_dilation(d);
  const int64_t oh = d.out_h(), ow = d.out_w(), plane = d.in_h * d.in_w;
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < d.planes; ++p)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        const Window w = window(d, count_include_pad, oy, ox);
        const T* src = x + p * plane;
        T sum = 0;
        for (int64_t iy = w.y0; iy < w.y1; ++iy)
          for (int64_t ix = w.x0; ix < w.x1; ++ix) sum += src[iy * d.in_w + ix];
        y[(p * oh + oy) * ow + ox] = sum / static_cast<T>(w.count);
      }
}

template <typename T>
void avg_pool_backward(const PoolDims& d, bool count_include_pad, const T* dy, T* dx) {
  const int64_t oh = d.out_h(), ow = d.out_w(), plane = d.in_h * d.in_w;
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < d.planes; ++p) {
    T* dst = dx + p * plane;
    std::fill_n(dst, plane, T(0));
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        const Window w = window(d, count_include_pad, oy, ox);
        const T g = dy[(p * oh + oy) * ow + ox] / static_cast<T>(w.count);
        for (int64_t iy = w.y0; iy < w.y1; ++iy)
          for (int64_t ix = w.x0; ix < w.x1; ++ix) dst[iy * d.in_w + ix] += g;
      }
  }
}

#define QASIM_INSTANTIATE(T)                                                         \
  template void max_pool_forward<T>(const PoolDims&, const T*, T*, int32_t*);        \
  template void max_pool_backward<T>(const PoolDims&, const T*, const int32_t*, T*); \
  template void avg_pool_forward<T>(const PoolDims&, bool, const T*, T*);            \
  template void avg_pool_backward<T>(const PoolDims&, bool, const T*, T*);
QASIM_INSTANTIATE(float)
QASIM_INSTANTIATE(double)
#undef QASIM_INSTANTIATE

}  // namespace qasim::kernels::train
