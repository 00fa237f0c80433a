// The CUDA backend (CUDA builds only): kernels::cuda::TrainDevice (cuBLAS + our kernels)
// behind the Backend interface.
//
// The model (model.cpp) keeps every tensor in host memory and runs the fake quantizers there,
// so each call copies its inputs to the GPU, computes, and copies its outputs back (the
// accumulated ones, dw/dbias/dgamma/dbeta and the running statistics, both ways). Correct
// and simple, and slow: the transfers cost more than the arithmetic on small layers. A
// device-resident model would keep the tensors on the GPU between calls (README.md, "CUDA").
#include <fmt/format.h>

#include <vector>

#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/train_device.h"
#include "workloads/errors.h"
#include "workloads/train/backend.h"

namespace qasim::workloads::train {

namespace {

namespace kc = kernels::cuda;

// One device copy of a host array per argument slot, reused across calls.
class Slot {
 public:
  template <typename T>
  T* in(const T* host, int64_t n) {
    ensure<T>(n);
    check(cudaMemcpy(m_buf.data(), host, bytes<T>(n), cudaMemcpyHostToDevice), "upload");
    return reinterpret_cast<T*>(m_buf.data());
  }
  template <typename T>
  T* out(int64_t n) {
    ensure<T>(n);
    return reinterpret_cast<T*>(m_buf.data());
  }
  template <typename T>
  void back(T* host, int64_t n) const {
    check(cudaMemcpy(host, m_buf.data(), bytes<T>(n), cudaMemcpyDeviceToHost), "download");
  }

 private:
  template <typename T>
  static size_t bytes(int64_t n) {
    return static_cast<size_t>(n) * sizeof(T);
  }
  template <typename T>
  void ensure(int64_t n) {
    m_buf.resize((bytes<T>(n) + 3) / 4);
  }
  static void check(cudaError_t status, const char* what) { kc::check_cuda(status, what); }
  kc::DeviceBuffer<float> m_buf;  // raw storage, 4-byte units
};

class CudaBackend final : public Backend {
 public:
  CudaBackend() : m_summary(kc::device_summary()) {}
  std::string name() const override { return "cuda (" + m_summary + ", cuBLAS sgemm)"; }

  void conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias,
                    float* y) override {
    m_dev.conv_forward(d, m_s[0].in(x, d.input_size()), m_s[1].in(w, d.weight_size()),
                       bias ? m_s[2].in(bias, d.out_c) : nullptr,
                       m_s[3].out<float>(d.output_size()));
    m_s[3].back(y, d.output_size());
  }
  void conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx) override {
    m_dev.conv_backward_data(d, m_s[0].in(dy, d.output_size()), m_s[1].in(w, d.weight_size()),
                             m_s[2].out<float>(d.input_size()));
    m_s[2].back(dx, d.input_size());
  }
  void conv_backward_weights(const ConvDims& d, const float* x, const float* dy, float* dw,
                             float* dbias) override {
    float* ddw = m_s[2].in(dw, d.weight_size());
    float* ddb = dbias ? m_s[3].in(dbias, d.out_c) : nullptr;
    m_dev.conv_backward_weights(d, m_s[0].in(x, d.input_size()), m_s[1].in(dy, d.output_size()),
                                ddw, ddb);
    m_s[2].back(dw, d.weight_size());
    if (dbias) m_s[3].back(dbias, d.out_c);
  }
  void fc_forward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                  const float* bias, float* y) override {
    m_dev.fc_forward(k, n, oc, m_s[0].in(x, k * n), m_s[1].in(w, oc * k),
                     bias ? m_s[2].in(bias, oc) : nullptr, m_s[3].out<float>(oc * n));
    m_s[3].back(y, oc * n);
  }
  void fc_backward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                   const float* dy, float* dx, float* dw, float* dbias) override {
    float* ddw = m_s[4].in(dw, oc * k);
    float* ddb = dbias ? m_s[5].in(dbias, oc) : nullptr;
    m_dev.fc_backward(k, n, oc, m_s[0].in(x, k * n), m_s[1].in(w, oc * k), m_s[2].in(dy, oc * n),
                      m_s[3].out<float>(k * n), ddw, ddb);
    m_s[3].back(dx, k * n);
    m_s[4].back(dw, oc * k);
    if (dbias) m_s[5].back(dbias, oc);
  }
  void batchnorm_forward_train(const BatchNormDims& d, const float* x, const float* gamma,
                               const float* beta, float* y, float* x_hat, float* inv_std,
                               float* running_mean, float* running_var) override {
    const int64_t n = d.channels * d.count, c = d.channels;
    float* rm = running_mean ? m_s[6].in(running_mean, c) : nullptr;
    float* rv = running_mean ? m_s[7].in(running_var, c) : nullptr;
    m_dev.batchnorm_forward_train(d, m_s[0].in(x, n), m_s[1].in(gamma, c), m_s[2].in(beta, c),
                                  m_s[3].out<float>(n), m_s[4].out<float>(n), m_s[5].out<float>(c),
                                  rm, rv);
    m_s[3].back(y, n);
    m_s[4].back(x_hat, n);
    m_s[5].back(inv_std, c);
    if (running_mean) m_s[6].back(running_mean, c), m_s[7].back(running_var, c);
  }
  void batchnorm_forward_eval(const BatchNormDims& d, const float* x, const float* gamma,
                              const float* beta, const float* running_mean,
                              const float* running_var, float* y) override {
    const int64_t n = d.channels * d.count, c = d.channels;
    m_dev.batchnorm_forward_eval(d, m_s[0].in(x, n), m_s[1].in(gamma, c), m_s[2].in(beta, c),
                                 m_s[3].in(running_mean, c), m_s[4].in(running_var, c),
                                 m_s[5].out<float>(n));
    m_s[5].back(y, n);
  }
  void batchnorm_backward(const BatchNormDims& d, const float* dy, const float* x_hat,
                          const float* gamma, const float* inv_std, float* dx, float* dgamma,
                          float* dbeta) override {
    const int64_t n = d.channels * d.count, c = d.channels;
    float* dg = m_s[5].in(dgamma, c);
    float* db = m_s[6].in(dbeta, c);
    m_dev.batchnorm_backward(d, m_s[0].in(dy, n), m_s[1].in(x_hat, n), m_s[2].in(gamma, c),
                             m_s[3].in(inv_std, c), m_s[4].out<float>(n), dg, db);
    m_s[4].back(dx, n);
    m_s[5].back(dgamma, c);
    m_s[6].back(dbeta, c);
  }
  void max_pool_forward(const PoolDims& d, const float* x, float* y, int32_t* argmax) override {
    const int64_t in = d.planes * d.in_h * d.in_w, out = d.planes * d.out_h() * d.out_w();
    m_dev.max_pool_forward(d, m_s[0].in(x, in), m_s[1].out<float>(out), m_s[2].out<int32_t>(out));
    m_s[1].back(y, out);
    m_s[2].back(argmax, out);
  }
  void max_pool_backward(const PoolDims& d, const float* dy, const int32_t* argmax,
                         float* dx) override {
    const int64_t in = d.planes * d.in_h * d.in_w, out = d.planes * d.out_h() * d.out_w();
    m_dev.max_pool_backward(d, m_s[0].in(dy, out), m_s[1].in(argmax, out), m_s[2].out<float>(in));
    m_s[2].back(dx, in);
  }
  void avg_pool_forward(const PoolDims& d, bool count_include_pad, const float* x,
                        float* y) override {
    const int64_t in = d.planes * d.in_h * d.in_w, out = d.planes * d.out_h() * d.out_w();
    m_dev.avg_pool_forward(d, count_include_pad, m_s[0].in(x, in), m_s[1].out<float>(out));
    m_s[1].back(y, out);
  }
  void avg_pool_backward(const PoolDims& d, bool count_include_pad, const float* dy,
                         float* dx) override {
    const int64_t in = d.planes * d.in_h * d.in_w, out = d.planes * d.out_h() * d.out_w();
    m_dev.avg_pool_backward(d, count_include_pad, m_s[0].in(dy, out), m_s[1].out<float>(in));
    m_s[1].back(dx, in);
  }
  void activation_forward(kernels::Activation act, float lo, float hi, int64_t n, const float* x,
                          float* y) override {
    m_dev.activation_forward(act, lo, hi, n, m_s[0].in(x, n), m_s[1].out<float>(n));
    m_s[1].back(y, n);
  }
  void activation_backward(kernels::Activation act, float lo, float hi, int64_t n, const float* x,
                           const float* dy, float* dx) override {
    m_dev.activation_backward(act, lo, hi, n, m_s[0].in(x, n), m_s[1].in(dy, n),
                              m_s[2].out<float>(n));
    m_s[2].back(dx, n);
  }

 private:
  std::string m_summary;
  kc::TrainDevice m_dev;
  Slot m_s[8];  // device copies of the arguments, by position
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend() {
  if (kc::device_count() == 0)
    throw InputError("--device cuda", kc::device_summary() + " (use --device cpu or auto)");
  return std::make_unique<CudaBackend>();
}

}  // namespace qasim::workloads::train
