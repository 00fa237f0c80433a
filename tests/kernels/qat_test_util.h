// Small helpers shared by the QAT method tests (tests/kernels/qat_*_test.cpp).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/qat/fake_quantizer.h"

namespace qasim::test {

using kernels::qat::FakeQuantizer;
using kernels::qat::QuantizerSpec;
using kernels::qat::Role;

inline std::unique_ptr<FakeQuantizer> make_q(const std::string& method, Role role, int bits,
                                             QuantizerSpec spec = {}) {
  spec.method = method;
  spec.role = role;
  spec.bits = bits;
  return kernels::qat::make_quantizer(spec);
}

inline std::vector<float> fwd(FakeQuantizer& q, const std::vector<float>& x, int64_t channels = 1,
                              bool training = false, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<float> y(x.size());
  q.forward(x, y, channels, training, rng);
  return y;
}

inline std::vector<float> bwd(FakeQuantizer& q, const std::vector<float>& x,
                              const std::vector<float>& dy, int64_t channels = 1) {
  std::vector<float> dx(x.size());
  q.backward(x, dy, dx, channels);
  return dx;
}

// dequantize(to_integer(x)) as a flat vector.
inline std::vector<float> round_trip(const FakeQuantizer& q, const std::vector<float>& x,
                                     int64_t channels = 1) {
  const kernels::Quantized z = q.to_integer(x, channels);
  return kernels::dequantize(z.values, z.params).values();
}

inline std::vector<float> random_floats(size_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& e : v) e = dist(rng);
  return v;
}

}  // namespace qasim::test
