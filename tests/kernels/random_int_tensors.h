// Random integer tensors for the exact-kernel tests (host and GPU).
#pragma once

#include <cstdint>
#include <random>
#include <utility>

#include "kernels/tensor.h"

namespace qasim::test {

// Elements uniform in [lo, hi].
inline kernels::IntTensor random_tensor(kernels::Dims dims, int32_t lo, int32_t hi,
                                        std::mt19937& rng) {
  kernels::IntTensor t(std::move(dims));
  std::uniform_int_distribution<int32_t> u(lo, hi);
  for (int32_t& v : t.values()) v = u(rng);
  return t;
}

// Elements +1 or -1 (binary layers).
inline kernels::IntTensor random_pm1(kernels::Dims dims, std::mt19937& rng) {
  kernels::IntTensor t(std::move(dims));
  for (int32_t& v : t.values()) v = rng() & 1 ? 1 : -1;
  return t;
}

}  // namespace qasim::test
