// Batch normalization over CNHW tensors (Ioffe & Szegedy 2015, PyTorch conventions): each
// channel is a contiguous block of `count` = N*H*W values. Training normalizes with the
// batch's biased variance and updates running stats with the unbiased one:
// running = (1 - momentum) * running + momentum * batch.
#pragma once

#include <cstdint>

namespace qasim::kernels::train {

struct BatchNormDims {
  int64_t channels = 0, count = 0;  // count: values per channel (N*H*W)
  double eps = 1e-5, momentum = 0.1;
};

// y = gamma * (x - mean) / sqrt(var + eps) + beta with batch stats; keeps x_hat and
// inv_std (per channel) for the backward pass and updates the running stats (when not null).
template <typename T>
void batchnorm_forward_train(const BatchNormDims& d, const T* x, const T* gamma, const T* beta,
                             T* y, T* x_hat, T* inv_std, T* running_mean, T* running_var);
// y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta.
template <typename T>
void batchnorm_forward_eval(const BatchNormDims& d, const T* x, const T* gamma, const T* beta,
                            const T* running_mean, const T* running_var, T* y);
// dx (overwritten); dgamma, dbeta accumulated.
template <typename T>
void batchnorm_backward(const BatchNormDims& d, const T* dy, const T* x_hat, const T* gamma,
                        const T* inv_std, T* dx, T* dgamma, T* dbeta);

}  // namespace qasim::kernels::train
