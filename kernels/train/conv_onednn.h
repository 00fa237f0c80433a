// Float convolutions through oneDNN's direct (JIT) kernels, for training. Measured on this
// machine (1 thread, batch 128, 16->16 channels, 28x28, 3x3): oneDNN on its blocked
// layout takes ~15 ms forward, ~21 ms backward-data, ~12 ms backward-weights, against ~85 ms
// each through its own im2col + GEMM on plain NCHW, and its reference kernels (minutes) on
// our CNHW layout directly. So each call reorders CNHW into oneDNN's chosen layout and back:
// the reorders cost a few copies of the tensor, far less than the difference.
// Every function returns false (leaving the outputs untouched) when this build has no
// oneDNN or the problem is not one it runs here (groups > 1); the caller then uses im2col.
#pragma once

#include "kernels/train/conv.h"

namespace qasim::kernels::train {

bool onednn_conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias,
                         float* y);
bool onednn_conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx);
// Accumulates into dw and dbias (when not null), as conv_backward_weights.
bool onednn_conv_backward_weights(const ConvDims& d, const float* x, const float* dy, float* dw,
                                  float* dbias);

// Tests switch the oneDNN path off to check the im2col one on the same cases.
void set_onednn_conv_enabled(bool enabled);

}  // namespace qasim::kernels::train
