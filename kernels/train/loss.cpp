#include "kernels/train/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace qasim::kernels::train {

namespace {

template <typename T>
void bounds(Activation act, T lo, T hi, T& a, T& b) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  switch (act) {
    case Activation::None:
      a = -inf, b = inf;
      return;
    case Activation::Relu:
      a = 0, b = inf;
      return;
    case Activation::Relu6:
      a = 0, b = 6;
      return;
    case Activation::Clip:
      a = lo, b = hi;
      return;
  }
}

}  // namespace

template <typename T>
void activation_forward(Activation act, T lo, T hi, int64_t n, const T* x, T* y) {
  T a, b;
  bounds(act, lo, hi, a, b);
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) y[i] = std::min(std::max(x[i], a), b);
}

// PyTorch's convention at the kinks: ReLU passes no gradient at 0, HardTanh/ReLU6 pass none
// at or beyond their bounds.
template <typename T>
void activation_backward(Activation act, T lo, T hi, int64_t n, const T* x, const T* dy, T* dx) {
  T a, b;
  bounds(act, lo, hi, a, b);
  const bool open_top = act == Activation::Relu || act == Activation::None;
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const bool pass = x[i] > a && (open_top || x[i] < b);
    dx[i] = pass ? dy[i] : T(0);
  }
}

template <typename T>
double softmax_cross_entropy(int64_t classes, int64_t batch, const T* logits, const int32_t* labels,
                             T* dlogits, int64_t* correct) {
  double loss = 0;
  int64_t right = 0;
  std::vector<double> p(static_cast<size_t>(classes));
  for (int64_t n = 0; n < batch; ++n) {
    const int32_t label = labels[n];
    if (label < 0 || label >= classes)
      throw std::invalid_argument("softmax_cross_entropy: label out of range");
    double mx = -std::numeric_limits<double>::infinity();
    int64_t best = 0;
    for (int64_t k = 0; k < classes; ++k) {
      const double v = logits[k * batch + n];
      if (v > mx) mx = v, best = k;
    }
    double sum = 0;
    for (int64_t k = 0; k < classes; ++k) sum += p[k] = std::exp(logits[k * batch + n] - mx);
    loss += std::log(sum) - (logits[label * batch + n] - mx);
    right += best == label;
    if (dlogits)
      for (int64_t k = 0; k < classes; ++k)
        dlogits[k * batch + n] =
            static_cast<T>((p[k] / sum - (k == label ? 1.0 : 0.0)) / static_cast<double>(batch));
  }
  if (correct) *correct = right;
  return loss / static_cast<double>(batch);
}

#define QASIM_INSTANTIATE(T)                                                               \
  template void activation_forward<T>(Activation, T, T, int64_t, const T*, T*);            \
  template void activation_backward<T>(Activation, T, T, int64_t, const T*, const T*, T*); \
  template double softmax_cross_entropy<T>(int64_t, int64_t, const T*, const int32_t*, T*, \
                                           int64_t*);
QASIM_INSTANTIATE(float)
QASIM_INSTANTIATE(double)
#undef QASIM_INSTANTIATE

}  // namespace qasim::kernels::train
