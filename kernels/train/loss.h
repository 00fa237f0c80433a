// Element-wise activations and the softmax cross-entropy loss for training.
#pragma once

#include <cstdint>

#include "kernels/ops.h"

namespace qasim::kernels::train {

// y = act(x): Relu max(0, x), Relu6 min(max(0, x), 6), Clip (HardTanh) clamp(x, lo, hi).
template <typename T>
void activation_forward(Activation act, T lo, T hi, int64_t n, const T* x, T* y);
// dx = dy where the activation passes x through (inside the clamp), else 0; x is the input.
template <typename T>
void activation_backward(Activation act, T lo, T hi, int64_t n, const T* x, const T* dy, T* dx);

// Mean softmax cross-entropy of logits stored class-major ([classes, batch], the CNHW layout
// of a [N, classes] output); writes dlogits (the gradient of the mean) and returns the loss.
// `correct` (optional) receives how many argmax predictions equal the label.
template <typename T>
double softmax_cross_entropy(int64_t classes, int64_t batch, const T* logits, const int32_t* labels,
                             T* dlogits, int64_t* correct);

}  // namespace qasim::kernels::train
