// PACT: hand-derived cases from the paper's formulas (PyTorch autograd checks the
// gradients in qat_oracle_test.cpp).
#include <gtest/gtest.h>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

std::unique_ptr<FakeQuantizer> pact(int bits, float alpha) {
  QuantizerSpec spec;
  spec.alpha_init = alpha;
  return make_q("pact", Role::Activation, bits, spec);
}

TEST(QatPact, HandDerivedForwardBackward) {
  auto q = pact(2, 3.f);  // step 3 / (2^2 - 1) = 1
  const std::vector<float> x = {-1.f, 0.4f, 0.6f, 1.5f, 2.5f, 3.f, 4.f};
  // round half to even: 1.5 -> 2, 2.5 -> 2; clipped at alpha = 3.
  EXPECT_EQ(fwd(*q, x), (std::vector<float>{0, 0, 1, 2, 2, 3, 3}));
  // dx = dy on [0, alpha); dalpha = sum of dy where x >= alpha = 6 + 7.
  EXPECT_EQ(bwd(*q, x, {1, 2, 3, 4, 5, 6, 7}), (std::vector<float>{0, 2, 3, 4, 5, 0, 0}));
  auto params = q->learned_params();
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].name, "alpha");
  EXPECT_EQ(*params[0].grad, std::vector<float>{13.f});
  bwd(*q, x, {1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(*params[0].grad, std::vector<float>{26.f}) << "backward accumulates";
  EXPECT_FLOAT_EQ(params[0].weight_decay, 2e-4f);
}

TEST(QatPact, IntegerFormIsUnsignedKBitsWithStepScale) {
  auto q = pact(2, 3.f);
  const auto z = q->to_integer(std::vector<float>{-1.f, 0.6f, 2.5f, 7.f}, 1);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(z.params.bits, 2);
  EXPECT_FALSE(z.params.is_signed);
  EXPECT_EQ(z.params.scale, std::vector<float>{1.f});
  EXPECT_EQ(z.params.zero_point, std::vector<int32_t>{0});
}

TEST(QatPact, LearnedAlphaChangesTheGridAndStateRoundTrips) {
  auto q = pact(4, 10.f);
  auto params = q->learned_params();
  (*params[0].value)[0] = 1.5f;  // as an optimizer step would
  EXPECT_EQ(fwd(*q, {0.1f, 0.2f, 2.f}), (std::vector<float>{0.1f, 0.2f, 1.5f}));
  EXPECT_EQ(q->state(), std::vector<float>{1.5f});
  auto other = pact(4, 10.f);
  other->load_state(q->state());
  EXPECT_EQ(fwd(*other, {0.7f}), fwd(*q, {0.7f}));
  (*params[0].value)[0] = -1.f;
  EXPECT_THROW(fwd(*q, {0.7f}), std::invalid_argument);
  EXPECT_THROW(other->load_state({1.f, 2.f}), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::test
