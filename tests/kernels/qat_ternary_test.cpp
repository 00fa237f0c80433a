// TWN and TTQ against hand-derived cases (REFERENCES.md constants: TWN delta = 0.7 E|w|,
// TTQ delta = 0.05 max|w|); TTQ's gradients also meet PyTorch autograd in qat_oracle_test.cpp.
#include <gtest/gtest.h>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

using kernels::Scheme;

void expect_floats_eq(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_FLOAT_EQ(actual[i], expected[i]) << i;
}

TEST(QatTwn, ThresholdAndAlphaPerLayerAndPerFilter) {
  const std::vector<float> w = {0.1f, -0.9f, 1.2f, -0.05f, 0.6f, 0.f, -1.8f, 0.35f};
  // Per layer: E|w| = 5 / 8 = 0.625, delta = 0.4375; above it 0.9, 1.2, 0.6, 1.8: alpha 1.125.
  auto layer = make_q("twn", Role::Weight, 2);
  expect_floats_eq(fwd(*layer, w, 2), {0, -1.125f, 1.125f, 0, 1.125f, 0, -1.125f, 0});
  // Per filter: row 0 E|w| = 0.5625, delta 0.39375 -> {-0.9, 1.2}, alpha 1.05;
  // row 1 E|w| = 0.6875, delta 0.48125 -> {0.6, -1.8}, alpha 1.2.
  QuantizerSpec spec;
  spec.per_channel = true;
  auto filter = make_q("twn", Role::Weight, 2, spec);
  expect_floats_eq(fwd(*filter, w, 2), {0, -1.05f, 1.05f, 0, 1.2f, 0, -1.2f, 0});
  EXPECT_EQ(bwd(*filter, w, {1, 2, 3, 4, 5, 6, 7, 8}, 2),
            (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  const auto z = filter->to_integer(w, 2);
  EXPECT_EQ(z.params.scheme, Scheme::Ternary);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{0, -1, 1, 0, 1, 0, -1, 0}));
  ASSERT_EQ(z.params.scale.size(), 2u);
  EXPECT_FLOAT_EQ(z.params.scale[1], 1.2f);
}

std::unique_ptr<FakeQuantizer> ttq(float wp, float wn, int value_bits = 8) {
  QuantizerSpec spec;
  spec.value_bits = value_bits;
  auto q = make_q("ttq", Role::Weight, 2, spec);
  q->load_state({wp, wn});
  return q;
}

TEST(QatTtq, LearnedLevelsScaledSteAndLevelGradients) {
  auto q = ttq(0.75f, 1.25f);  // both exact on the 8-bit codebook grid (step 2^-6)
  const std::vector<float> w = {0.02f, -0.04f, 0.5f, -1.f, 0.06f, -0.03f};  // delta = 0.05
  EXPECT_EQ(fwd(*q, w), (std::vector<float>{0, 0, 0.75f, -1.25f, 0.75f, 0}));
  // dw = Wp dy on I_p, Wn dy on I_n, dy elsewhere; dWp = 3 + 5; dWn = -(4).
  EXPECT_EQ(bwd(*q, w, {1, 2, 3, 4, 5, 6}), (std::vector<float>{1, 2, 2.25f, 5, 3.75f, 6}));
  const auto params = q->learned_params();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(*params[0].grad, std::vector<float>{8.f});
  EXPECT_EQ(*params[1].grad, std::vector<float>{-4.f});
  const auto z = q->to_integer(w, 1);
  EXPECT_EQ(z.params.scheme, Scheme::Codebook);
  EXPECT_EQ(z.params.bits, 2);
  EXPECT_EQ(z.params.codebook, (std::vector<int32_t>{-80, 0, 48}));  // 2^6 * {-1.25, 0, 0.75}
}

TEST(QatTtq, ForwardUsesTheCodebookImagesOfWpWn) {
  // 4-bit values: max(Wp, Wn) = 1 -> 2 fraction bits; Wp = 0.7 -> round(2.8) / 4 = 0.75.
  auto q = ttq(0.7f, 1.f, 4);
  EXPECT_EQ(fwd(*q, {1.f, -1.f, 0.f}), (std::vector<float>{0.75f, -1.f, 0.f}));
  const auto z = q->to_integer(std::vector<float>{1.f, -1.f, 0.f}, 1);
  EXPECT_EQ(z.params.codebook, (std::vector<int32_t>{-4, 0, 3}));
  EXPECT_EQ(z.params.scale, std::vector<float>{0.25f});
  // Gradients go to the unsnapped Wp: dw on I_p is 0.7 * dy.
  EXPECT_EQ(bwd(*q, {1.f, -1.f, 0.f}, {1, 1, 1}), (std::vector<float>{0.7f, 1.f, 1.f}));
  q->load_state({-0.1f, 1.f});
  EXPECT_THROW(fwd(*q, {1.f}), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::test
