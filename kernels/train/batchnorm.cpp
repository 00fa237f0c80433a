#include "kernels/train/batchnorm.h"

#include <cmath>

namespace qasim::kernels::train {

// Channel sums accumulate in double: a channel of a 128-image batch holds ~10^5 values,
// where a float running sum would lose the low bits of the mean.
template <typename T>
void batchnorm_forward_train(const BatchNormDims& d, const T* x, const T* gamma, const T* beta,
                             T* y, T* x_hat, T* inv_std, T* running_mean, T* running_var) {
  const int64_t m = d.count;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < d.channels; ++c) {
    const T* xc = x + c * m;
    double sum = 0;
    for (int64_t i = 0; i < m; ++i) sum += xc[i];
    const double mean = sum / static_cast<double>(m);
    double sq = 0;
    for (int64_t i = 0; i < m; ++i) sq += (xc[i] - mean) * (xc[i] - mean);
    const double var = sq / static_cast<double>(m);
    const double istd = 1.0 / std::sqrt(var + d.eps);
    inv_std[c] = static_cast<T>(istd);
    T* hc = x_hat + c * m;
    T* yc = y + c * m;
    const T tm = static_cast<T>(mean), ti = static_cast<T>(istd);
    for (int64_t i = 0; i < m; ++i) {
      hc[i] = (xc[i] - tm) * ti;
      yc[i] = gamma[c] * hc[i] + beta[c];
    }
    if (running_mean) {
      const double unbiased = m > 1 ? sq / static_cast<double>(m - 1) : var;
      running_mean[c] = static_cast<T>((1 - d.momentum) * running_mean[c] + d.momentum * mean);
      running_var[c] = static_cast<T>((1 - d.momentum) * running_var[c] + d.momentum * unbiased);
    }
  }
}

template <typename T>
void batchnorm_forward_eval(const BatchNormDims& d, const T* x, const T* gamma, const T* beta,
                            const T* running_mean, const T* running_var, T* y) {
  const int64_t m = d.count;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < d.channels; ++c) {
    const T scale = static_cast<T>(gamma[c] / std::sqrt(double{running_var[c]} + d.eps));
    const T shift = beta[c] - scale * running_mean[c];
    const T* xc = x + c * m;
    T* yc = y + c * m;
    for (int64_t i = 0; i < m; ++i) yc[i] = scale * xc[i] + shift;
  }
}

// dx = gamma * inv_std / m * (m * dy - sum(dy) - x_hat * sum(dy * x_hat)).
template <typename T>
void batchnorm_backward(const BatchNormDims& d, const T* dy, const T* x_hat, const T* gamma,
                        const T* inv_std, T* dx, T* dgamma, T* dbeta) {
  const int64_t m = d.count;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < d.channels; ++c) {
    const T* dyc = dy + c * m;
    const T* hc = x_hat + c * m;
    double sum_dy = 0, sum_dy_h = 0;
    for (int64_t i = 0; i < m; ++i) sum_dy += dyc[i], sum_dy_h += double{dyc[i]} * hc[i];
    dgamma[c] += static_cast<T>(sum_dy_h);
    dbeta[c] += static_cast<T>(sum_dy);
    const auto k = static_cast<T>(gamma[c] * inv_std[c]);
    const auto mean_dy = static_cast<T>(sum_dy / static_cast<double>(m));
    const auto mean_dy_h = static_cast<T>(sum_dy_h / static_cast<double>(m));
    T* dxc = dx + c * m;
    for (int64_t i = 0; i < m; ++i) dxc[i] = k * (dyc[i] - mean_dy - hc[i] * mean_dy_h);
  }
}

#define QASIM_INSTANTIATE(T)                                                                       \
  template void batchnorm_forward_train<T>(const BatchNormDims&, const T*, const T*, const T*, T*, \
                                           T*, T*, T*, T*);                                        \
  template void batchnorm_forward_eval<T>(const BatchNormDims&, const T*, const T*, const T*,      \
                                          const T*, const T*, T*);                                 \
  template void batchnorm_backward<T>(const BatchNormDims&, const T*, const T*, const T*,          \
                                      const T*, T*, T*, T*);
QASIM_INSTANTIATE(float)
QASIM_INSTANTIATE(double)
#undef QASIM_INSTANTIATE

}  // namespace qasim::kernels::train
