// The element-wise QAT functions for GPU kernels (kernels/cuda/qat_math.h) against the CPU
// methods of make_quantizer, bit for bit (forward values compared as bit patterns, so a -0
// for +0 would fail), on random values spanning every clip region and on the boundaries.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/cuda/qat_math.h"
#include "kernels/qat/fake_quantizer.h"

namespace qasim::kernels::cuda::qat {
namespace {

namespace kq = kernels::qat;

std::vector<float> test_values(float spread) {
  std::mt19937 rng(51);
  std::normal_distribution<float> d(0.3f, spread);
  std::vector<float> x(5000);
  for (float& v : x) v = d(rng);
  for (float v : {0.f, -0.f, 1.f, -1.f, 0.5f, 1.5f, 2.5f, -0.3f, 10.f, 10.0001f, 9.9999f, 0.799f,
                  0.538f * 3, 1e-8f, -1e-8f})
    x.push_back(v);
  return x;
}

struct CpuResult {
  std::vector<float> y, dx;
};

CpuResult cpu(kq::FakeQuantizer& q, const std::vector<float>& x, const std::vector<float>& dy) {
  std::mt19937 rng(1);
  CpuResult r{std::vector<float>(x.size()), std::vector<float>(x.size())};
  q.forward(x, r.y, 1, false, rng);
  q.backward(x, dy, r.dx, 1);
  return r;
}

void expect_bits(const std::vector<float>& got, const std::vector<float>& want,
                 const std::vector<float>& x) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i]))
        << "x = " << x[i] << ": " << got[i] << " vs " << want[i];
}

std::unique_ptr<kq::FakeQuantizer> activation(const std::string& method, int bits) {
  kq::QuantizerSpec spec;
  spec.method = method;
  spec.role = kq::Role::Activation;
  spec.bits = bits;
  return kq::make_quantizer(spec);
}

TEST(CudaQatMath, SignAndHardTanh) {
  const std::vector<float> x = test_values(1.5f), dy = test_values(1.f);
  const CpuResult want = cpu(*activation("bnn", 1), x, dy);
  std::vector<float> y(x.size()), dx(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = sign_forward(x[i]), dx[i] = hard_tanh_backward(x[i], dy[i]);
  expect_bits(y, want.y, x);
  expect_bits(dx, want.dx, x);
}

TEST(CudaQatMath, DorefaActivations) {
  const std::vector<float> x = test_values(0.8f), dy = test_values(1.f);
  for (int bits : {1, 2, 4, 8, 16}) {
    const CpuResult want = cpu(*activation("dorefa", bits), x, dy);
    const auto levels = static_cast<float>((int64_t{1} << bits) - 1);
    std::vector<float> y(x.size()), dx(x.size());
    for (size_t i = 0; i < x.size(); ++i)
      y[i] = dorefa_act_forward(x[i], levels, 1.f / levels),
      dx[i] = dorefa_act_backward(x[i], dy[i]);
    expect_bits(y, want.y, x);
    expect_bits(dx, want.dx, x);
  }
}

TEST(CudaQatMath, PactWithItsAlphaGradient) {
  const std::vector<float> x = test_values(6.f), dy = test_values(1.f);
  for (int bits : {2, 4, 8}) {
    const auto q = activation("pact", bits);
    const CpuResult want = cpu(*q, x, dy);
    const float alpha = (*q->learned_params()[0].value)[0];
    const auto levels = static_cast<float>((int64_t{1} << bits) - 1);
    std::vector<float> y(x.size()), dx(x.size());
    double dalpha = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      y[i] = pact_forward(x[i], alpha, alpha / levels, levels);
      dx[i] = pact_backward(x[i], alpha, dy[i]);
      dalpha += pact_alpha_term(x[i], alpha, dy[i]);
    }
    expect_bits(y, want.y, x);
    expect_bits(dx, want.dx, x);
    // The CPU sums in chunks and lanes: the same terms, another order.
    EXPECT_NEAR(dalpha, (*q->learned_params()[0].grad)[0], 1e-3);
  }
}

TEST(CudaQatMath, Hwgq) {
  const float steps[] = {0.799f, 0.538f, 0.3217f, 0.185f};
  const std::vector<float> x = test_values(1.f), dy = test_values(1.f);
  for (int bits = 1; bits <= 4; ++bits) {
    const CpuResult want = cpu(*activation("hwgq", bits), x, dy);
    const auto levels = static_cast<float>((1 << bits) - 1);
    const float step = steps[bits - 1];
    std::vector<float> y(x.size()), dx(x.size());
    for (size_t i = 0; i < x.size(); ++i)
      y[i] = hwgq_forward(x[i], step, levels), dx[i] = hwgq_backward(x[i], levels * step, dy[i]);
    expect_bits(y, want.y, x);
    expect_bits(dx, want.dx, x);
  }
}

TEST(CudaQatMath, LsqActivations) {
  const std::vector<float> x = test_values(1.f), dy = test_values(1.f);
  for (int bits : {2, 4, 8}) {
    const auto q = activation("lsq", bits);
    const CpuResult want = cpu(*q, x, dy);  // the first forward initialises the step
    const float step = q->state()[0];
    const float hi = static_cast<float>((1 << bits) - 1);
    std::vector<float> y(x.size()), dx(x.size());
    double sum = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      y[i] = lsq_forward(x[i], step, 0.f, hi);
      dx[i] = lsq_backward(x[i], step, 0.f, hi, dy[i]);
      sum += lsq_step_term(x[i], step, 0.f, hi, dy[i]);
    }
    expect_bits(y, want.y, x);
    expect_bits(dx, want.dx, x);
    // ds = g * sum, g = 1 / sqrt(features per sample * Q_P); one row of x.size() features.
    const double g = 1.0 / std::sqrt(static_cast<double>(x.size()) * hi);
    EXPECT_NEAR(sum * g, (*q->learned_params()[0].grad)[0], 1e-4);
  }
}

}  // namespace
}  // namespace qasim::kernels::cuda::qat
