// Integer-only (Jacob et al.) and fixed-point (Gupta et al.) fake quantizers against
// hand-derived cases, and against kernels::quantize_fixed_stochastic's documented stream.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

using kernels::Scheme;

TEST(QatInt, SymmetricWeightsPerLayerAndPerFilter) {
  const std::vector<float> w = {-0.7f, 0.33f, 0.12f, 0.04f};
  auto layer = make_q("int", Role::Weight, 4);  // scale 0.7 / 7 = 0.1: codes -7, 3, 1, 0
  const auto y = fwd(*layer, w, 2);
  const std::vector<float> expected = {-0.7f, 0.3f, 0.1f, 0.f};
  for (size_t i = 0; i < y.size(); ++i) EXPECT_FLOAT_EQ(y[i], expected[i]) << i;
  const auto z = layer->to_integer(w, 2);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{-7, 3, 1, 0}));
  EXPECT_EQ(z.params.zero_point, std::vector<int32_t>{0});
  QuantizerSpec spec;
  spec.per_channel = true;
  auto filter = make_q("int", Role::Weight, 4, spec);  // row 1: scale 0.12 / 7: codes 7, 2
  const auto yf = fwd(*filter, w, 2);
  EXPECT_FLOAT_EQ(yf[2], 0.12f);
  EXPECT_FLOAT_EQ(yf[3], 0.24f / 7);
  const auto zf = filter->to_integer(w, 2);
  EXPECT_EQ(zf.values.values(), (std::vector<int32_t>{-7, 3, 7, 2}));
  EXPECT_EQ(zf.params.scale.size(), 2u);
}

TEST(QatInt, ActivationRangesMoveByExponentialMovingAverage) {
  QuantizerSpec spec;
  spec.ema_decay = 0.5f;
  auto q = make_q("int", Role::Activation, 8, spec);
  // Before training, evaluation uses the input's own range [-1, 3] (holds 0).
  const auto first = q->to_integer(std::vector<float>{-1.f, 3.f}, 1);
  EXPECT_FLOAT_EQ(first.params.scale[0], 4.f / 255);
  fwd(*q, {-1.f, 3.f}, 1, /*training=*/true);  // first batch sets [-1, 3]
  EXPECT_EQ(q->state(), (std::vector<float>{1, -1, 3}));
  fwd(*q, {0.5f, 5.f}, 1, true);  // batch range [0, 5] (0 included): -0.5, 4
  EXPECT_EQ(q->state(), (std::vector<float>{1, -0.5f, 4}));
  const auto z = q->to_integer(std::vector<float>{0.f, 4.f, -3.f}, 1);
  // scale 4.5 / 255, zero point 0 - round(-0.5 / scale) = round(28.33) = 28.
  EXPECT_FLOAT_EQ(z.params.scale[0], 4.5f / 255);
  EXPECT_EQ(z.params.zero_point, std::vector<int32_t>{28});
  EXPECT_FALSE(z.params.is_signed);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{28, 255, 0}));
  EXPECT_EQ(fwd(*q, {0.f})[0], 0.f) << "real zero is exact";
  // Straight through inside [scale (0 - 28), scale (255 - 28)] = [-0.494, 4.006].
  EXPECT_EQ(bwd(*q, {-0.6f, -0.4f, 4.f, 4.1f}, {1, 1, 1, 1}), (std::vector<float>{0, 1, 1, 0}));
  auto restored = make_q("int", Role::Activation, 8, spec);
  restored->load_state(q->state());
  EXPECT_EQ(fwd(*restored, {1.234f}), fwd(*q, {1.234f}));
}

TEST(QatFixed, RoundToNearestAndSaturate) {
  QuantizerSpec spec;
  spec.frac_bits = 4;
  auto q = make_q("fixed", Role::Activation, 8, spec);  // Q3.4, range [-8, 7.9375]
  const std::vector<float> x = {0.03f, 0.5f, -1.97f, 100.f, -100.f};
  // 16x = 0.48 -> 0, 8, -31.52 -> -32, saturate 127, -128.
  EXPECT_EQ(fwd(*q, x), (std::vector<float>{0, 0.5f, -2.f, 7.9375f, -8.f}));
  EXPECT_EQ(bwd(*q, x, std::vector<float>(5, 1.f)), (std::vector<float>{1, 1, 1, 0, 0}));
  const auto z = q->to_integer(x, 1);
  EXPECT_EQ(z.params.scheme, Scheme::FixedPoint);
  EXPECT_EQ(z.params.frac_bits, 4);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{0, 8, -32, 127, -128}));
}

TEST(QatFixed, FractionBitsFromTheRange) {
  auto q = make_q("fixed", Role::Weight, 8);  // frac_bits -1
  // max |x| = 1.97: 1.97 * 2^6 = 126.08 fits in 127, 2^7 would not.
  EXPECT_EQ(q->to_integer(std::vector<float>{0.1f, -1.97f}, 1).params.frac_bits, 6);
  EXPECT_EQ(fwd(*q, {-1.97f})[0], -126.f / 64);
}

TEST(QatFixed, StochasticRoundingFollowsTheKernelsStream) {
  QuantizerSpec spec;
  spec.frac_bits = 3;
  spec.stochastic = true;
  auto q = make_q("fixed", Role::Gradient, 6, spec);
  const auto x = random_floats(500, -5.f, 5.f, 8);
  const auto y = fwd(*q, x, 1, /*training=*/true, 99);
  std::mt19937 rng(99);
  const auto z = kernels::quantize_fixed_stochastic(kernels::FloatTensor({500}, x), 6, 3, rng);
  EXPECT_EQ(y, kernels::dequantize(z.values, z.params).values());
  EXPECT_EQ(bwd(*q, {100.f}, {2.f}), std::vector<float>{2.f}) << "gradients pass through";
  EXPECT_THROW(q->to_integer(x, 1), std::logic_error);
}

}  // namespace
}  // namespace qasim::test
