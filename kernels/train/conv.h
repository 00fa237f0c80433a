// Float convolution and fully connected layers for training, forward and both backward
// passes, templated on float (training) and double (gradient checks).
//
// Layout: activations are channel-major CNHW ([C, N, H, W]), so a convolution over the whole
// batch is one GEMM per group, W [OCg, ICg*KH*KW] x cols [ICg*KH*KW, N*OH*OW], whose result
// is already the CNHW output; batch norm and pooling then work on contiguous channel blocks.
// Float convolutions without groups run in oneDNN instead where the build has it
// (conv_onednn.h: several times faster); the GEMM form is the fallback and the double path.
// Weights are [OC, IC/groups, KH, KW] as in the graph IR.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ops.h"

namespace qasim::kernels::train {

struct ConvDims {
  int64_t batch = 0, in_c = 0, in_h = 0, in_w = 0, out_c = 0;
  ConvGeometry geometry;

  int64_t out_h() const { return geometry.out_h(static_cast<int>(in_h)); }
  int64_t out_w() const { return geometry.out_w(static_cast<int>(in_w)); }
  int64_t groups() const { return geometry.groups; }
  int64_t kernel_size() const { return int64_t{geometry.kernel_h} * geometry.kernel_w; }
  int64_t k_per_group() const { return in_c / groups() * kernel_size(); }
  int64_t positions() const { return batch * out_h() * out_w(); }  // GEMM N
  int64_t input_size() const { return in_c * batch * in_h * in_w; }
  int64_t output_size() const { return out_c * positions(); }
  int64_t weight_size() const { return out_c * k_per_group(); }
  void check() const;  // throws std::invalid_argument on inconsistent sizes
};

// y = conv(x, w) (+ bias[oc] when bias is not null). `scratch` holds the unfolded input.
template <typename T>
void conv_forward(const ConvDims& d, const T* x, const T* w, const T* bias, T* y,
                  std::vector<T>& scratch);
// dx = conv^T(dy, w), overwriting dx.
template <typename T>
void conv_backward_data(const ConvDims& d, const T* dy, const T* w, T* dx, std::vector<T>& scratch);
// dw (and dbias when not null) += gradients of the weights (and biases) from dy and x.
template <typename T>
void conv_backward_weights(const ConvDims& d, const T* x, const T* dy, T* dw, T* dbias,
                           std::vector<T>& scratch);

// Fully connected on a [K, N] input (features along rows, batch along columns; a CNHW
// tensor with H = W = 1 is one): y [OC, N] = w [OC, K] x (+ bias).
template <typename T>
void fc_forward(int64_t k, int64_t n, int64_t oc, const T* x, const T* w, const T* bias, T* y);
// dx = w^T dy (overwrites); dw += dy x^T; dbias += row sums of dy.
template <typename T>
void fc_backward(int64_t k, int64_t n, int64_t oc, const T* x, const T* w, const T* dy, T* dx,
                 T* dw, T* dbias);

// [C, N, H, W] <-> [N, C*H*W] column-major as [C*H*W, N]: FC inputs are flattened per
// sample in NCHW order (the graph's convention), while training tensors are CNHW.
template <typename T>
void cnhw_to_features(int64_t c, int64_t n, int64_t hw, const T* x, T* features);
template <typename T>
void features_to_cnhw(int64_t c, int64_t n, int64_t hw, const T* features, T* x);

}  // namespace qasim::kernels::train
