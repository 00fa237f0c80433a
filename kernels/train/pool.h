// Max and average pooling over CNHW tensors for training: every (channel, image) plane is
// contiguous, so the planes are independent. Geometry as in the graph IR (ConvGeometry,
// groups ignored); padded taps never win a max and count as zero in an average only with
// count_include_pad.
#pragma once

#include <cstdint>

#include "kernels/ops.h"

namespace qasim::kernels::train {

struct PoolDims {
  int64_t planes = 0, in_h = 0, in_w = 0;  // planes = C * N
  ConvGeometry geometry;
  int64_t out_h() const { return geometry.out_h(static_cast<int>(in_h)); }
  int64_t out_w() const { return geometry.out_w(static_cast<int>(in_w)); }
};

// argmax[i]: index within its input plane of the tap that won output i (first on ties).
template <typename T>
void max_pool_forward(const PoolDims& d, const T* x, T* y, int32_t* argmax);
template <typename T>
void max_pool_backward(const PoolDims& d, const T* dy, const int32_t* argmax, T* dx);

template <typename T>
void avg_pool_forward(const PoolDims& d, bool count_include_pad, const T* x, T* y);
template <typename T>
void avg_pool_backward(const PoolDims& d, bool count_include_pad, const T* dy, T* dx);

}  // namespace qasim::kernels::train
