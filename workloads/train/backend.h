// Where the float training arithmetic runs. The model (model.h) calls only this interface:
// the CPU backend (kernels/train), and in CUDA builds the CUDA one (kernels/cuda/TrainDevice:
// cuBLAS and our kernels), chosen by make_backend.
//
// Tensors are host pointers in the CNHW layout of kernels/train/conv.h, for both backends:
// the CUDA backend copies each call's operands to the GPU and its results back (README.md,
// "CUDA", says what that costs). The fake quantizers (kernels/qat) run on the host.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kernels/ops.h"
#include "kernels/train/batchnorm.h"
#include "kernels/train/conv.h"
#include "kernels/train/pool.h"

namespace qasim::workloads::train {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;  // "cpu (onednn sgemm)", ...

  using ConvDims = kernels::train::ConvDims;
  using BatchNormDims = kernels::train::BatchNormDims;
  using PoolDims = kernels::train::PoolDims;

  virtual void conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias,
                            float* y) = 0;
  virtual void conv_backward_data(const ConvDims& d, const float* dy, const float* w,
                                  float* dx) = 0;
  virtual void conv_backward_weights(const ConvDims& d, const float* x, const float* dy, float* dw,
                                     float* dbias) = 0;
  virtual void fc_forward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                          const float* bias, float* y) = 0;
  virtual void fc_backward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                           const float* dy, float* dx, float* dw, float* dbias) = 0;
  virtual void batchnorm_forward_train(const BatchNormDims& d, const float* x, const float* gamma,
                                       const float* beta, float* y, float* x_hat, float* inv_std,
                                       float* running_mean, float* running_var) = 0;
  virtual void batchnorm_forward_eval(const BatchNormDims& d, const float* x, const float* gamma,
                                      const float* beta, const float* running_mean,
                                      const float* running_var, float* y) = 0;
  virtual void batchnorm_backward(const BatchNormDims& d, const float* dy, const float* x_hat,
                                  const float* gamma, const float* inv_std, float* dx,
                                  float* dgamma, float* dbeta) = 0;
  virtual void max_pool_forward(const PoolDims& d, const float* x, float* y, int32_t* argmax) = 0;
  virtual void max_pool_backward(const PoolDims& d, const float* dy, const int32_t* argmax,
                                 float* dx) = 0;
  virtual void avg_pool_forward(const PoolDims& d, bool count_include_pad, const float* x,
                                float* y) = 0;
  virtual void avg_pool_backward(const PoolDims& d, bool count_include_pad, const float* dy,
                                 float* dx) = 0;
  virtual void activation_forward(kernels::Activation act, float lo, float hi, int64_t n,
                                  const float* x, float* y) = 0;
  virtual void activation_backward(kernels::Activation act, float lo, float hi, int64_t n,
                                   const float* x, const float* dy, float* dx) = 0;
};

// The CPU backend: kernels/train (im2col + oneDNN sgemm or Eigen), OpenMP threads.
std::unique_ptr<Backend> make_cpu_backend();

// The CUDA backend. Throws InputError (exit 2 in the CLI) in a build without CUDA or on a
// machine without a CUDA device, saying which.
std::unique_ptr<Backend> make_cuda_backend();

// "cpu", "cuda" or "auto" (CUDA when this build has it and a GPU is present, else CPU).
// Throws InputError for "cuda" in a build or on a machine without a CUDA backend, and for
// an unknown name.
std::unique_ptr<Backend> make_backend(const std::string& device);

// One line for logs: which backend "auto" (or the name given) selects and why.
std::string describe_device_choice(const std::string& device);

}  // namespace qasim::workloads::train
