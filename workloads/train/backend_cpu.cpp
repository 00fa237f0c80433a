#include <vector>

#include "kernels/cuda/runtime.h"
#include "kernels/train/gemm.h"
#include "kernels/train/loss.h"
#include "workloads/errors.h"
#include "workloads/train/backend.h"

namespace qasim::workloads::train {

namespace kt = kernels::train;

namespace {

class CpuBackend final : public Backend {
 public:
  std::string name() const override {
    return std::string("cpu (") + kt::gemm_backend_name() + " sgemm)";
  }
  void conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias,
                    float* y) override {
    kt::conv_forward(d, x, w, bias, y, m_scratch);
  }
  void conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx) override {
    kt::conv_backward_data(d, dy, w, dx, m_scratch);
  }
  void conv_backward_weights(const ConvDims& d, const float* x, const float* dy, float* dw,
                             float* dbias) override {
    kt::conv_backward_weights(d, x, dy, dw, dbias, m_scratch);
  }
  void fc_forward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                  const float* bias, float* y) override {
    kt::fc_forward(k, n, oc, x, w, bias, y);
  }
  void fc_backward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                   const float* dy, float* dx, float* dw, float* dbias) override {
    kt::fc_backward(k, n, oc, x, w, dy, dx, dw, dbias);
  }
  void batchnorm_forward_train(const BatchNormDims& d, const float* x, const float* gamma,
                               const float* beta, float* y, float* x_hat, float* inv_std,
                               float* running_mean, float* running_var) override {
    kt::batchnorm_forward_train(d, x, gamma, beta, y, x_hat, inv_std, running_mean, running_var);
  }
  void batchnorm_forward_eval(const BatchNormDims& d, const float* x, const float* gamma,
                              const float* beta, const float* running_mean,
                              const float* running_var, float* y) override {
    kt::batchnorm_forward_eval(d, x, gamma, beta, running_mean, running_var, y);
  }
  void batchnorm_backward(const BatchNormDims& d, const float* dy, const float* x_hat,
                          const float* gamma, const float* inv_std, float* dx, float* dgamma,
                          float* dbeta) override {
    kt::batchnorm_backward(d, dy, x_hat, gamma, inv_std, dx, dgamma, dbeta);
  }
  void max_pool_forward(const PoolDims& d, const float* x, float* y, int32_t* argmax) override {
    kt::max_pool_forward(d, x, y, argmax);
  }
  void max_pool_backward(const PoolDims& d, const float* dy, const int32_t* argmax,
                         float* dx) override {
    kt::max_pool_backward(d, dy, argmax, dx);
  }
  void avg_pool_forward(const PoolDims& d, bool count_include_pad, const float* x,
                        float* y) override {
    kt::avg_pool_forward(d, count_include_pad, x, y);
  }
  void avg_pool_backward(const PoolDims& d, bool count_include_pad, const float* dy,
                         float* dx) override {
    kt::avg_pool_backward(d, count_include_pad, dy, dx);
  }
  void activation_forward(kernels::Activation act, float lo, float hi, int64_t n, const float* x,
                          float* y) override {
    kt::activation_forward(act, lo, hi, n, x, y);
  }
  void activation_backward(kernels::Activation act, float lo, float hi, int64_t n, const float* x,
                           const float* dy, float* dx) override {
    kt::activation_backward(act, lo, hi, n, x, dy, dx);
  }

 private:
  std::vector<float> m_scratch;  // the unfolded input of the convolution being computed
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

std::unique_ptr<Backend> make_backend(const std::string& device) {
  if (device == "cpu") return make_cpu_backend();
  if (device == "cuda") return make_cuda_backend();
  if (device == "auto")
    return kernels::cuda::device_count() > 0 ? make_cuda_backend() : make_cpu_backend();
  throw InputError("--device", "unknown device '" + device + "' (expected auto, cpu or cuda)");
}

std::string describe_device_choice(const std::string& device) {
  if (device != "auto") return "device " + device + " (as requested)";
  if (!kernels::cuda::built_with_cuda()) return "device auto: cpu (this build has no CUDA)";
  if (kernels::cuda::device_count() == 0)
    return "device auto: cpu (" + kernels::cuda::device_summary() + ")";
  return "device auto: cuda (" + kernels::cuda::device_summary() + ")";
}

}  // namespace qasim::workloads::train
