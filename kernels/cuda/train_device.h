// The float training operations of kernels/train on the GPU, on device pointers: products in
// cuBLAS (FP32, no TF32), everything else in our kernels (train_ops.cu) built on the
// per-element functions of train_math.h. Same layouts and the same accumulate/overwrite
// contracts as kernels/train (conv.h, batchnorm.h, pool.h, loss.h), so the CUDA backend of
// the trainer (workloads/train/backend_cudart.cpp) swaps one for the other.
//
// Defined in CUDA builds only (train_ops.cu): include it from CUDA-only sources.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/ops.h"
#include "kernels/train/batchnorm.h"
#include "kernels/train/conv.h"
#include "kernels/train/pool.h"

namespace qasim::kernels::cuda {

class TrainDevice {
 public:
  TrainDevice();  // creates the cuBLAS handle on the current device; throws without one
  ~TrainDevice();
  TrainDevice(const TrainDevice&) = delete;
  TrainDevice& operator=(const TrainDevice&) = delete;

  // Row-major C = alpha * op(A) op(B) + beta * C (kernels/train/gemm.h's contract).
  void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
            const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
            int64_t ldc);

  void conv_forward(const train::ConvDims& d, const float* x, const float* w, const float* bias,
                    float* y);
  void conv_backward_data(const train::ConvDims& d, const float* dy, const float* w, float* dx);
  void conv_backward_weights(const train::ConvDims& d, const float* x, const float* dy, float* dw,
                             float* dbias);
  void fc_forward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                  const float* bias, float* y);
  void fc_backward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                   const float* dy, float* dx, float* dw, float* dbias);
  void batchnorm_forward_train(const train::BatchNormDims& d, const float* x, const float* gamma,
                               const float* beta, float* y, float* x_hat, float* inv_std,
                               float* running_mean, float* running_var);
  void batchnorm_forward_eval(const train::BatchNormDims& d, const float* x, const float* gamma,
                              const float* beta, const float* running_mean,
                              const float* running_var, float* y);
  void batchnorm_backward(const train::BatchNormDims& d, const float* dy, const float* x_hat,
                          const float* gamma, const float* inv_std, float* dx, float* dgamma,
                          float* dbeta);
  void max_pool_forward(const train::PoolDims& d, const float* x, float* y, int32_t* argmax);
  void max_pool_backward(const train::PoolDims& d, const float* dy, const int32_t* argmax,
                         float* dx);
  void avg_pool_forward(const train::PoolDims& d, bool count_include_pad, const float* x, float* y);
  void avg_pool_backward(const train::PoolDims& d, bool count_include_pad, const float* dy,
                         float* dx);
  void activation_forward(Activation act, float lo, float hi, int64_t n, const float* x, float* y);
  void activation_backward(Activation act, float lo, float hi, int64_t n, const float* x,
                           const float* dy, float* dx);

  // Waits for the queued work and throws std::runtime_error on a kernel fault.
  void synchronize();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace qasim::kernels::cuda
