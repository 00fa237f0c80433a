// TrainDevice (train_device.h): cuBLAS for the products, one thread per output element for
// im2col, col2im, pooling and activations (train_math.h), one block per channel for batch
// norm and bias gradients, whose sums run in double as kernels/train's do (in a tree, so they
// agree with the CPU within float rounding, not bit for bit). Every kernel writes each output
// once, without atomics, so a run is deterministic.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/train_device.h"
#include "kernels/cuda/train_math.h"

namespace qasim::kernels::cuda {

namespace {

constexpr int kThreads = 256;

void check_blas(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": cuBLAS status " +
                             std::to_string(static_cast<int>(status)));
}

template <typename F>
__global__ void for_each_kernel(int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    f(i);
}

// f(i) for i in [0, n) on the GPU.
template <typename F>
void for_each(int64_t n, F f) {
  if (n <= 0) return;
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  for_each_kernel<<<static_cast<unsigned>(blocks < 1048576 ? blocks : 1048576), kThreads>>>(n, f);
  check_cuda(cudaGetLastError(), "training kernel launch");
}

// Sum of term(i) over [0, count) in double by one block (deterministic tree).
template <typename Term>
__device__ double block_sum(int64_t count, Term term) {
  __shared__ double partial[kThreads];
  double s = 0;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) s += term(i);
  partial[threadIdx.x] = s;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  const double total = partial[0];
  __syncthreads();  // partial is reused by the caller's next sum
  return total;
}

// dbias[row] += sum of row `row` of dy [rows, cols].
__global__ void add_row_sums(int64_t cols, const float* dy, float* out) {
  const float* r = dy + blockIdx.x * cols;
  const double s = block_sum(cols, [r](int64_t i) { return double{r[i]}; });
  if (threadIdx.x == 0) out[blockIdx.x] += static_cast<float>(s);
}

__global__ void bn_train_kernel(int64_t m, double eps, double momentum, const float* x,
                                const float* gamma, const float* beta, float* y, float* x_hat,
                                float* inv_std, float* running_mean, float* running_var) {
  const int64_t c = blockIdx.x;
  const float* xc = x + c * m;
  const double mean = block_sum(m, [xc](int64_t i) { return double{xc[i]}; }) / double(m);
  const double sq = block_sum(m, [xc, mean](int64_t i) {
    const double v = xc[i] - mean;
    return v * v;
  });
  const double var = sq / double(m);
  const double istd = 1.0 / sqrt(var + eps);
  const float tm = static_cast<float>(mean), ti = static_cast<float>(istd);
  for (int64_t i = threadIdx.x; i < m; i += blockDim.x) {
    const float h = bn_x_hat(xc[i], tm, ti);
    x_hat[c * m + i] = h;
    y[c * m + i] = bn_affine(gamma[c], h, beta[c]);
  }
  if (threadIdx.x == 0) {
    inv_std[c] = ti;
    if (running_mean) {
      const double unbiased = m > 1 ? sq / double(m - 1) : var;
      running_mean[c] = static_cast<float>((1 - momentum) * running_mean[c] + momentum * mean);
      running_var[c] = static_cast<float>((1 - momentum) * running_var[c] + momentum * unbiased);
    }
  }
}

__global__ void bn_backward_kernel(int64_t m, const float* dy, const float* x_hat,
                                   const float* gamma, const float* inv_std, float* dx,
                                   float* dgamma, float* dbeta) {
  const int64_t c = blockIdx.x;
  const float* dyc = dy + c * m;
  const float* hc = x_hat + c * m;
  const double sum_dy = block_sum(m, [dyc](int64_t i) { return double{dyc[i]}; });
  const double sum_dy_h =
      block_sum(m, [dyc, hc](int64_t i) { return double{dyc[i]} * double{hc[i]}; });
  const auto k = static_cast<float>(gamma[c] * inv_std[c]);
  const auto mean_dy = static_cast<float>(sum_dy / double(m));
  const auto mean_dy_h = static_cast<float>(sum_dy_h / double(m));
  // dy and dx may be the same array (the model passes one buffer): each element is read
  // before it is written by the same thread, and the sums above are complete.
  for (int64_t i = threadIdx.x; i < m; i += blockDim.x)
    dx[c * m + i] = bn_grad(k, dyc[i], mean_dy, hc[i], mean_dy_h);
  if (threadIdx.x == 0) {
    dgamma[c] += static_cast<float>(sum_dy_h);
    dbeta[c] += static_cast<float>(sum_dy);
  }
}

}  // namespace

struct TrainDevice::Impl {
  cublasHandle_t blas = nullptr;
  DeviceBuffer<float> cols;  // the unfolded input or its gradient
};

TrainDevice::TrainDevice() : m_impl(std::make_unique<Impl>()) {
  if (device_count() == 0) throw std::runtime_error("TrainDevice: " + device_summary());
  check_blas(cublasCreate(&m_impl->blas), "cublasCreate");
  // Plain FP32 products: TF32 tensor cores would round the operands to 10-bit mantissas.
  check_blas(cublasSetMathMode(m_impl->blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
}

TrainDevice::~TrainDevice() {
  if (m_impl && m_impl->blas) cublasDestroy(m_impl->blas);
}

void TrainDevice::synchronize() {
  check_cuda(cudaDeviceSynchronize(), "training kernels");
}

void TrainDevice::gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                       const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
                       float* c, int64_t ldc) {
  // cuBLAS is column-major: a row-major C is C^T column-major, and C^T = op(B)^T op(A)^T.
  check_blas(cublasSgemm(m_impl->blas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                         trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, static_cast<int>(n),
                         static_cast<int>(m), static_cast<int>(k), &alpha, b, static_cast<int>(ldb),
                         a, static_cast<int>(lda), &beta, c, static_cast<int>(ldc)),
             "cublasSgemm");
}

void TrainDevice::conv_forward(const train::ConvDims& dims, const float* x, const float* w,
                               const float* bias, float* y) {
  dims.check();
  const TrainConvDims d = train_conv_dims(dims);
  const int64_t rows = d.in_c * d.kernel_size(), np = d.positions();
  m_impl->cols.resize(static_cast<size_t>(rows * np));
  float* cols = m_impl->cols.data();
  for_each(rows * np, [=] __device__(int64_t i) { cols[i] = im2col_value(d, x, i / np, i % np); });
  const int64_t ocg = d.out_c / d.groups, kg = d.k_per_group();
  for (int64_t g = 0; g < d.groups; ++g)
    gemm(false, false, ocg, np, kg, 1.f, w + g * ocg * kg, kg, cols + g * kg * np, np, 0.f,
         y + g * ocg * np, np);
  if (bias) for_each(d.out_c * np, [=] __device__(int64_t i) { y[i] += bias[i / np]; });
}

void TrainDevice::conv_backward_data(const train::ConvDims& dims, const float* dy, const float* w,
                                     float* dx) {
  dims.check();
  const TrainConvDims d = train_conv_dims(dims);
  const int64_t rows = d.in_c * d.kernel_size(), np = d.positions();
  m_impl->cols.resize(static_cast<size_t>(rows * np));
  float* cols = m_impl->cols.data();
  const int64_t ocg = d.out_c / d.groups, kg = d.k_per_group();
  for (int64_t g = 0; g < d.groups; ++g)
    gemm(true, false, kg, np, ocg, 1.f, w + g * ocg * kg, kg, dy + g * ocg * np, np, 0.f,
         cols + g * kg * np, np);
  for_each(d.in_c * d.batch * d.in_h * d.in_w,
           [=] __device__(int64_t i) { dx[i] = col2im_value(d, cols, i); });
}

void TrainDevice::conv_backward_weights(const train::ConvDims& dims, const float* x,
                                        const float* dy, float* dw, float* dbias) {
  dims.check();
  const TrainConvDims d = train_conv_dims(dims);
  const int64_t rows = d.in_c * d.kernel_size(), np = d.positions();
  m_impl->cols.resize(static_cast<size_t>(rows * np));
  float* cols = m_impl->cols.data();
  for_each(rows * np, [=] __device__(int64_t i) { cols[i] = im2col_value(d, x, i / np, i % np); });
  const int64_t ocg = d.out_c / d.groups, kg = d.k_per_group();
  for (int64_t g = 0; g < d.groups; ++g)
    gemm(false, true, ocg, kg, np, 1.f, dy + g * ocg * np, np, cols + g * kg * np, np, 1.f,
         dw + g * ocg * kg, kg);
  if (dbias) {
    add_row_sums<<<static_cast<unsigned>(d.out_c), kThreads>>>(np, dy, dbias);
    check_cuda(cudaGetLastError(), "bias gradient launch");
  }
}

void TrainDevice::fc_forward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                             const float* bias, float* y) {
  gemm(false, false, oc, n, k, 1.f, w, k, x, n, 0.f, y, n);
  if (bias) for_each(oc * n, [=] __device__(int64_t i) { y[i] += bias[i / n]; });
}

void TrainDevice::fc_backward(int64_t k, int64_t n, int64_t oc, const float* x, const float* w,
                              const float* dy, float* dx, float* dw, float* dbias) {
  gemm(true, false, k, n, oc, 1.f, w, k, dy, n, 0.f, dx, n);
  gemm(false, true, oc, k, n, 1.f, dy, n, x, n, 1.f, dw, k);
  if (dbias) {
    add_row_sums<<<static_cast<unsigned>(oc), kThreads>>>(n, dy, dbias);
    check_cuda(cudaGetLastError(), "bias gradient launch");
  }
}

void TrainDevice::batchnorm_forward_train(const train::BatchNormDims& d, const float* x,
                                          const float* gamma, const float* beta, float* y,
                                          float* x_hat, float* inv_std, float* running_mean,
                                          float* running_var) {
  if (d.channels <= 0) return;
  bn_train_kernel<<<static_cast<unsigned>(d.channels), kThreads>>>(
      d.count, d.eps, d.momentum, x, gamma, beta, y, x_hat, inv_std, running_mean, running_var);
  check_cuda(cudaGetLastError(), "batch norm launch");
}

void TrainDevice::batchnorm_forward_eval(const train::BatchNormDims& d, const float* x,
                                         const float* gamma, const float* beta,
                                         const float* running_mean, const float* running_var,
                                         float* y) {
  const int64_t m = d.count;
  const double eps = d.eps;
  for_each(d.channels * m, [=] __device__(int64_t i) {
    const int64_t c = i / m;
    const auto scale = static_cast<float>(gamma[c] / sqrt(double{running_var[c]} + eps));
    const float shift = beta[c] - scale * running_mean[c];
    y[i] = scale * x[i] + shift;
  });
}

void TrainDevice::batchnorm_backward(const train::BatchNormDims& d, const float* dy,
                                     const float* x_hat, const float* gamma, const float* inv_std,
                                     float* dx, float* dgamma, float* dbeta) {
  if (d.channels <= 0) return;
  bn_backward_kernel<<<static_cast<unsigned>(d.channels), kThreads>>>(d.count, dy, x_hat, gamma,
                                                                      inv_std, dx, dgamma, dbeta);
  check_cuda(cudaGetLastError(), "batch norm backward launch");
}

void TrainDevice::max_pool_forward(const train::PoolDims& dims, const float* x, float* y,
                                   int32_t* argmax) {
  if (dims.geometry.dilation_h != 1 || dims.geometry.dilation_w != 1)
    throw std::invalid_argument("train pool: dilated pooling is not supported");
  const TrainPoolDims d = train_pool_dims(dims);
  for_each(d.planes * d.out_h * d.out_w,
           [=] __device__(int64_t i) { y[i] = max_pool_value(d, x, i, argmax + i); });
}

void TrainDevice::max_pool_backward(const train::PoolDims& dims, const float* dy,
                                    const int32_t* argmax, float* dx) {
  const TrainPoolDims d = train_pool_dims(dims);
  for_each(d.planes * d.in_h * d.in_w,
           [=] __device__(int64_t i) { dx[i] = max_pool_grad(d, dy, argmax, i); });
}

void TrainDevice::avg_pool_forward(const train::PoolDims& dims, bool count_include_pad,
                                   const float* x, float* y) {
  if (dims.geometry.dilation_h != 1 || dims.geometry.dilation_w != 1)
    throw std::invalid_argument("train pool: dilated pooling is not supported");
  const TrainPoolDims d = train_pool_dims(dims);
  for_each(d.planes * d.out_h * d.out_w,
           [=] __device__(int64_t i) { y[i] = avg_pool_value(d, count_include_pad, x, i); });
}

void TrainDevice::avg_pool_backward(const train::PoolDims& dims, bool count_include_pad,
                                    const float* dy, float* dx) {
  const TrainPoolDims d = train_pool_dims(dims);
  for_each(d.planes * d.in_h * d.in_w,
           [=] __device__(int64_t i) { dx[i] = avg_pool_grad(d, count_include_pad, dy, i); });
}

void TrainDevice::activation_forward(Activation act, float lo, float hi, int64_t n, const float* x,
                                     float* y) {
  const ActivationBounds b = activation_bounds_of(act, lo, hi);
  for_each(n, [=] __device__(int64_t i) { y[i] = activation_value(b, x[i]); });
}

void TrainDevice::activation_backward(Activation act, float lo, float hi, int64_t n, const float* x,
                                      const float* dy, float* dx) {
  const ActivationBounds b = activation_bounds_of(act, lo, hi);
  for_each(n, [=] __device__(int64_t i) { dx[i] = activation_grad(b, x[i], dy[i]); });
}

}  // namespace qasim::kernels::cuda
