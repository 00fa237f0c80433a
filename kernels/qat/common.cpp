#include "kernels/qat/common.h"

#include <fmt/format.h>

#include <stdexcept>

namespace qasim::kernels::qat::detail {

void fail(const std::string& method, const std::string& problem) {
  throw std::invalid_argument(fmt::format("{}: {}", method, problem));
}

int64_t row_length(const std::string& method, std::span<const float> x, size_t other_size,
                   int64_t channels) {
  if (other_size != x.size())
    fail(method,
         fmt::format("input has {} elements but the other tensor has {}", x.size(), other_size));
  const auto n = static_cast<int64_t>(x.size());
  if (channels < 1 || n % channels != 0)
    fail(method, fmt::format("{} elements do not split into {} rows", n, channels));
  return n / channels;
}

void check_finite(const std::string& method, std::span<const float> x) {
  for (size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) fail(method, fmt::format("element {} is {}", i, x[i]));
}

double max_abs(std::span<const float> x, int64_t begin, int64_t end) {
  // Independent lanes: a max is exact in any order, and lane-wise maxima vectorize where a
  // single running max (a reduction the compiler may not reorder) does not.
  constexpr int kLanes = 16;
  float lane[kLanes] = {};
  int64_t i = begin;
  for (; i + kLanes <= end; i += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lane[l] = std::max(lane[l], std::fabs(x[static_cast<size_t>(i + l)]));
  float m = 0.f;
  for (; i < end; ++i) m = std::max(m, std::fabs(x[static_cast<size_t>(i)]));
  for (float v : lane) m = std::max(m, v);
  return m;
}

void draw_uniform(std::mt19937& rng, int64_t n, std::vector<double>& u) {
  u.resize(static_cast<size_t>(n));
  for (auto& v : u) v = uniform01(rng);
}

FloatTensor as_tensor(std::span<const float> x, int64_t channels) {
  const auto n = static_cast<int64_t>(x.size());
  return FloatTensor({channels, channels ? n / channels : 0},
                     std::vector<float>(x.begin(), x.end()));
}

void no_integer_form(const std::string& method, Role role) {
  throw std::logic_error(
      fmt::format("{}: a {} quantizer has no integer form", method, to_string(role)));
}

void pass_through(std::span<const float> dy, std::span<float> dx) {
  if (dx.size() != dy.size())
    throw std::invalid_argument(
        fmt::format("backward: dy has {} elements, dx {}", dy.size(), dx.size()));
  std::copy(dy.begin(), dy.end(), dx.begin());
}

}  // namespace qasim::kernels::qat::detail
