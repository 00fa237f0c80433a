// DoReFa weights, activations and gradients against hand-derived cases of the formulas in
// REFERENCES.md (the weight and activation gradients are also checked against PyTorch
// autograd in qat_oracle_test.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

using kernels::Scheme;

TEST(QatDorefa, TwoBitWeightsAndTheirOddIntegerForm) {
  auto q = make_q("dorefa", Role::Weight, 2);
  // tanh: -0.762, -0.0997, 0.291, 0.964 (max); u = t / (2 * 0.964) + 1/2 =
  // 0.105, 0.448, 0.651, 1; 3u rounds to 0, 1, 2, 3; y = 2i/3 - 1.
  const std::vector<float> w = {-1.f, -0.1f, 0.3f, 2.f};
  const auto y = fwd(*q, w, 2);
  const std::vector<float> expected = {-1.f, -1.f / 3, 1.f / 3, 1.f};
  for (size_t i = 0; i < y.size(); ++i) EXPECT_FLOAT_EQ(y[i], expected[i]) << i;
  const auto z = q->to_integer(w, 2);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{-3, -1, 1, 3}));
  EXPECT_EQ(z.params.bits, 3);
  EXPECT_TRUE(z.params.is_signed);
  EXPECT_FLOAT_EQ(z.params.scale[0], 1.f / 3);
}

TEST(QatDorefa, WeightGradientThroughTanhAndTheMax) {
  auto q = make_q("dorefa", Role::Weight, 3);
  const std::vector<double> w = {-1.0, 0.25, 2.0};  // argmax |tanh| is the last element
  const std::vector<double> dy = {0.5, -1.0, 2.0};
  std::vector<double> t;
  for (double v : w) t.push_back(std::tanh(v));
  const double m = t[2];
  const double dot = dy[0] * t[0] + dy[1] * t[1] + dy[2] * t[2];
  // dt_i = dy_i / M, minus (sum_j dy_j t_j) / M^2 at the argmax; dw = dt (1 - t^2).
  std::vector<double> expected(3);
  for (size_t i = 0; i < 3; ++i) expected[i] = dy[i] / m * (1 - t[i] * t[i]);
  expected[2] -= dot / (m * m) * (1 - t[2] * t[2]);
  const auto dx = bwd(*q, {-1.f, 0.25f, 2.f}, {0.5f, -1.f, 2.f});
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(dx[i], expected[i], 1e-6) << i;
}

TEST(QatDorefa, OneBitWeightsAreMeanAbsTimesSign) {
  auto q = make_q("dorefa", Role::Weight, 1);
  const std::vector<float> w = {0.5f, -1.5f, 0.f, 2.f};  // E = 1
  EXPECT_EQ(fwd(*q, w), (std::vector<float>{1, -1, 1, 1}));
  EXPECT_EQ(bwd(*q, w, {1, 2, 3, 4}), (std::vector<float>{1, 2, 3, 4}));
  const auto z = q->to_integer(w, 1);
  EXPECT_EQ(z.params.scheme, Scheme::Binary);
  EXPECT_EQ(z.params.scale, std::vector<float>{1.f});
}

TEST(QatDorefa, ActivationsClipToTheUnitInterval) {
  auto q = make_q("dorefa", Role::Activation, 2);
  const std::vector<float> x = {-0.5f, 0.1f, 0.2f, 0.5f, 0.9f, 1.5f};
  // 3x: 0.3 -> 0, 0.6 -> 1, 1.5 -> 2 (half to even), 2.7 -> 3; clipped ends.
  const auto y = fwd(*q, x);
  const std::vector<float> expected = {0, 0, 1.f / 3, 2.f / 3, 1, 1};
  for (size_t i = 0; i < y.size(); ++i) EXPECT_FLOAT_EQ(y[i], expected[i]) << i;
  EXPECT_EQ(bwd(*q, x, std::vector<float>(6, 1.f)), (std::vector<float>{0, 1, 1, 1, 1, 0}));
  const auto z = q->to_integer(x, 1);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{0, 0, 1, 2, 3, 3}));
  EXPECT_FALSE(z.params.is_signed);
}

TEST(QatDorefa, GradientsWithoutNoiseInEvaluation) {
  auto q = make_q("dorefa", Role::Gradient, 2);
  // Row 0: M = 4, dr / 2M + 1/2 = 0, .375, .5, .75; x3 -> 0, 1.125, 1.5, 2.25 -> 0, 1, 2, 2;
  // y = 2M (i/3 - 1/2) = -4, -4/3, 4/3, 4/3. Row 1 is all zero and stays zero.
  const auto y = fwd(*q, {-4.f, -1.f, 0.f, 2.f, 0.f, 0.f, 0.f, 0.f}, 2);
  const std::vector<float> expected = {-4, -4.f / 3, 4.f / 3, 4.f / 3, 0, 0, 0, 0};
  for (size_t i = 0; i < y.size(); ++i) EXPECT_FLOAT_EQ(y[i], expected[i]) << i;
  EXPECT_THROW(q->to_integer(std::vector<float>{1.f}, 1), std::logic_error);
}

TEST(QatDorefa, GradientNoiseIsOneUniformDrawPerElement) {
  auto q = make_q("dorefa", Role::Gradient, 3);
  const std::vector<float> dr = {0.3f, -1.f, 0.05f, 0.7f, 2.f, -0.4f};  // rows of 3
  const uint32_t seed = 11;
  const auto y = fwd(*q, dr, 2, /*training=*/true, seed);
  std::mt19937 rng(seed);
  const double n = 7;
  for (size_t i = 0; i < dr.size(); ++i) {
    const double m = i < 3 ? 1.0 : 2.0;
    const double u = std::ldexp(static_cast<double>(rng()), -32);
    const double v = std::clamp(dr[i] / (2 * m) + 0.5 + (u - 0.5) / n, 0.0, 1.0);
    EXPECT_FLOAT_EQ(y[i], static_cast<float>(2 * m * (std::nearbyint(v * n) / n - 0.5))) << i;
  }
}

TEST(QatDorefa, GradientNoiseIsUnbiasedInside) {
  auto q = make_q("dorefa", Role::Gradient, 2);
  std::vector<float> dr;
  for (int i = 0; i < 10000; ++i) dr.insert(dr.end(), {0.3f, -1.f});  // M = 1 per row
  const auto y = fwd(*q, dr, 10000, true, 3);
  double sum = 0;
  for (size_t i = 0; i < y.size(); i += 2) sum += y[i];
  EXPECT_NEAR(sum / 10000, 0.3, 0.015);  // levels 2/3 apart: std error ~0.003
}

}  // namespace
}  // namespace qasim::test
