// PACT: hand-derived cases from the paper's formulas, and PyTorch autograd (qat_oracle.py)
// as an independent oracle for the input and alpha gradients.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/kernels/oracles/qat_oracle.h"
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

TEST(QatPact, AgreesWithPyTorchAutograd) {
  if (!python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  struct Case {
    int bits;
    float alpha;
  };
  const std::vector<Case> cases = {{1, 2.f}, {2, 4.5f}, {4, 3.25f}, {8, 6.f}};
  std::ostringstream input;
  std::vector<std::vector<float>> xs, dys;
  for (size_t c = 0; c < cases.size(); ++c) {
    xs.push_back(random_floats(257, -2.f, 9.f, 10 + c));
    dys.push_back(random_floats(257, -1.f, 1.f, 20 + c));
    input << "pact " << cases[c].bits << " " << hex_float(cases[c].alpha) << " | "
          << hex_floats(xs[c]) << " | " << hex_floats(dys[c]) << "\n";
  }
  const auto expected = run_qat_oracle(input.str());
  ASSERT_EQ(expected.size(), 3 * cases.size());
  for (size_t c = 0; c < cases.size(); ++c) {
    SCOPED_TRACE("bits " + std::to_string(cases[c].bits));
    auto q = pact(cases[c].bits, cases[c].alpha);
    const auto y = fwd(*q, xs[c]);
    const auto dx = bwd(*q, xs[c], dys[c]);
    for (size_t i = 0; i < y.size(); ++i) {
      EXPECT_NEAR(y[i], expected[3 * c][i], 1e-6f * cases[c].alpha) << i;
      EXPECT_EQ(dx[i], expected[3 * c + 1][i]) << i;
    }
    EXPECT_NEAR((*q->learned_params()[0].grad)[0], expected[3 * c + 2][0], 1e-4);
  }
}

}  // namespace
}  // namespace qasim::test
