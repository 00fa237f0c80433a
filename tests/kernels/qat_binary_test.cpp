// BinaryConnect, BNN and XNOR-Net fake quantizers against hand-derived cases from their
// formulas (REFERENCES.md: sign(0) = +1, hard-tanh STE, alpha = mean |w| per filter).
#include <gtest/gtest.h>

#include <cmath>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

using kernels::Scheme;

TEST(QatBinaryConnect, DeterministicSignWithSignOfZeroPlusOne) {
  auto q = make_q("binaryconnect", Role::Weight, 1);
  const std::vector<float> w = {-0.5f, 0.f, 0.3f, -2.f};
  EXPECT_EQ(fwd(*q, w), (std::vector<float>{-1, 1, 1, -1}));
  EXPECT_EQ(bwd(*q, w, {1, 2, 3, 4}), (std::vector<float>{1, 2, 3, 4}));  // straight through
  ASSERT_TRUE(q->latent_clip().has_value());
  EXPECT_EQ(*q->latent_clip(), 1.f);
  const auto z = q->to_integer(w, 1);
  EXPECT_EQ(z.params.scheme, Scheme::Binary);
  EXPECT_EQ(z.params.scale, std::vector<float>{1.f});
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{-1, 1, 1, -1}));
}

TEST(QatBinaryConnect, StochasticDrawsOneUniformPerElementInOrder) {
  QuantizerSpec spec;
  spec.stochastic = true;
  auto q = make_q("binaryconnect", Role::Weight, 1, spec);
  const std::vector<float> w = {-1.5f, -0.5f, 0.f, 0.25f, 0.9f, 1.f, 3.f};
  const uint32_t seed = 77;
  const auto y = fwd(*q, w, 1, /*training=*/true, seed);
  std::mt19937 rng(seed);  // the same stream, consumed as documented
  for (size_t i = 0; i < w.size(); ++i) {
    const double u = std::ldexp(static_cast<double>(rng()), -32);
    const double p = std::clamp((w[i] + 1.0) / 2.0, 0.0, 1.0);
    EXPECT_EQ(y[i], u < p ? 1.f : -1.f) << i;
  }
  EXPECT_EQ(y[0], -1.f);  // p = 0
  EXPECT_EQ(y[5], 1.f);   // p = 1
  EXPECT_EQ(y, fwd(*q, w, 1, true, seed)) << "same seed, same draws";
  EXPECT_EQ(fwd(*q, w, 1, /*training=*/false), (std::vector<float>{-1, -1, 1, 1, 1, 1, 1}));
}

TEST(QatBinaryConnect, StochasticFrequencyIsTheProbability) {
  QuantizerSpec spec;
  spec.stochastic = true;
  auto q = make_q("binaryconnect", Role::Weight, 1, spec);
  const std::vector<float> w(20000, 0.5f);  // p = 0.75
  const auto y = fwd(*q, w, 1, true, 5);
  double plus = 0;
  for (float v : y) plus += v > 0;
  EXPECT_NEAR(plus / w.size(), 0.75, 0.015);
}

TEST(QatBnn, SignAndHardTanhStraightThrough) {
  for (Role role : {Role::Weight, Role::Activation}) {
    auto q = make_q("bnn", role, 1);
    const std::vector<float> x = {-1.5f, -1.f, 0.f, 0.99f, 1.f, 1.01f};
    EXPECT_EQ(fwd(*q, x), (std::vector<float>{-1, -1, 1, 1, 1, 1}));
    EXPECT_EQ(bwd(*q, x, {1, 2, 3, 4, 5, 6}), (std::vector<float>{0, 2, 3, 4, 5, 0}));
    EXPECT_EQ(q->latent_clip().has_value(), role == Role::Weight);
    const auto z = q->to_integer(x, 2);
    EXPECT_EQ(z.values.values(), (std::vector<int32_t>{-1, -1, 1, 1, 1, 1}));
    EXPECT_EQ(z.params.scale, std::vector<float>{1.f});
  }
}

TEST(QatXnor, WeightsScaledByMeanAbsPerFilter) {
  auto q = make_q("xnor", Role::Weight, 1);
  // Row 0: mean |w| = (1 + 3 + 0 + 2) / 4 = 1.5; row 1: (0.5 + 0.5 + 0.5 + 0.25) / 4 = 0.4375.
  const std::vector<float> w = {1.f, -3.f, 0.f, 2.f, -0.5f, -0.5f, 0.5f, 0.25f};
  EXPECT_EQ(fwd(*q, w, 2),
            (std::vector<float>{1.5f, -1.5f, 1.5f, 1.5f, -0.4375f, -0.4375f, 0.4375f, 0.4375f}));
  // dW = dy * (1/n + alpha * 1{|w| <= 1}), n = 4.
  EXPECT_EQ(bwd(*q, w, std::vector<float>(8, 1.f), 2),
            (std::vector<float>{1.75f, 0.25f, 1.75f, 0.25f, 0.6875f, 0.6875f, 0.6875f, 0.6875f}));
  const auto z = q->to_integer(w, 2);
  EXPECT_EQ(z.params.scheme, Scheme::Binary);
  EXPECT_EQ(z.params.scale, (std::vector<float>{1.5f, 0.4375f}));
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{1, -1, 1, 1, -1, -1, 1, 1}));
  EXPECT_FALSE(q->latent_clip().has_value());
}

TEST(QatXnor, ActivationsAreSignWithoutK) {
  auto q = make_q("xnor", Role::Activation, 1);
  EXPECT_EQ(q->name(), "xnor");
  const std::vector<float> x = {-0.2f, 0.f, 2.f};
  EXPECT_EQ(fwd(*q, x), (std::vector<float>{-1, 1, 1}));
  EXPECT_EQ(bwd(*q, x, {1, 1, 1}), (std::vector<float>{1, 1, 0}));
}

TEST(QatBinary, RejectsStochasticWhereTheMethodHasNone) {
  QuantizerSpec spec;
  spec.stochastic = true;
  EXPECT_THROW(make_q("bnn", Role::Weight, 1, spec), std::invalid_argument);
  EXPECT_THROW(make_q("xnor", Role::Weight, 1, spec), std::invalid_argument);
}

TEST(QatBinary, MismatchedSizesAndRowsThrow) {
  auto q = make_q("xnor", Role::Weight, 1);
  std::mt19937 rng(1);
  std::vector<float> x(6), y(5);
  EXPECT_THROW(q->forward(x, y, 1, false, rng), std::invalid_argument);
  y.resize(6);
  EXPECT_THROW(q->forward(x, y, 4, false, rng), std::invalid_argument);
  EXPECT_THROW(q->to_integer(std::vector<float>{1.f, NAN}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::test
