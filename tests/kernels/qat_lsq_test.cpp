// LSQ against hand-derived cases of the paper's equations (the step gradient is also
// checked against PyTorch autograd in qat_oracle_test.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

TEST(QatLsq, ThreeBitWeightsForwardBackward) {
  auto q = make_q("lsq", Role::Weight, 3);  // Q_N = 4, Q_P = 3
  q->load_state({0.5f});
  const std::vector<float> w = {-3.f, -1.9f, -0.3f, 0.2f, 0.8f, 1.6f};
  // w / s = -6, -3.8, -0.6, 0.4, 1.6, 3.2 -> clip to [-4, 3] -> round -4, -4, -1, 0, 2, 3.
  EXPECT_EQ(fwd(*q, w), (std::vector<float>{-2, -2, -0.5f, 0, 1, 1.5f}));
  EXPECT_EQ(bwd(*q, w, std::vector<float>(6, 1.f)), (std::vector<float>{0, 1, 1, 1, 1, 0}));
  // ds terms: -Q_N, then round(v) - v: -0.2, -0.4, -0.4, 0.4, then Q_P; sum -1.6,
  // times 1 / sqrt(N Q_P) = 1 / sqrt(18).
  EXPECT_NEAR((*q->learned_params()[0].grad)[0], -1.6 / std::sqrt(18.0), 1e-6);
  const auto z = q->to_integer(w, 1);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{-4, -4, -1, 0, 2, 3}));
  EXPECT_TRUE(z.params.is_signed);
  EXPECT_EQ(z.params.bits, 3);
  EXPECT_EQ(z.params.scale, std::vector<float>{0.5f});
}

TEST(QatLsq, StepInitialisedFromTheFirstInput) {
  auto q = make_q("lsq", Role::Weight, 3);
  EXPECT_EQ(q->state(), std::vector<float>{0.f});
  EXPECT_THROW(q->to_integer(std::vector<float>{1.f}, 1), std::invalid_argument);
  fwd(*q, {1.f, -2.f, 3.f, -4.f});  // 2 mean|w| / sqrt(Q_P) = 5 / sqrt(3)
  EXPECT_FLOAT_EQ(q->state()[0], static_cast<float>(5.0 / std::sqrt(3.0)));
  fwd(*q, {100.f});  // later inputs do not re-initialise
  EXPECT_FLOAT_EQ(q->state()[0], static_cast<float>(5.0 / std::sqrt(3.0)));
}

TEST(QatLsq, ActivationsAreUnsignedAndScaleTheGradientByFeaturesPerSample) {
  const std::vector<float> x = {-1.f, 0.4f, 1.3f, 9.f};
  const std::vector<float> dy = {1, 1, 1, 1};
  auto one_row = make_q("lsq", Role::Activation, 2);  // Q_N = 0, Q_P = 3
  auto two_rows = make_q("lsq", Role::Activation, 2);
  one_row->load_state({1.f});
  two_rows->load_state({1.f});
  EXPECT_EQ(fwd(*one_row, x), (std::vector<float>{0, 0, 1, 3}));
  EXPECT_EQ(bwd(*one_row, x, dy), (std::vector<float>{0, 1, 1, 0}));
  bwd(*two_rows, x, dy, 2);
  // ds terms: 0 (below), -0.4, -0.3, 3 (above): 2.3 / sqrt(N_F * 3).
  EXPECT_NEAR((*one_row->learned_params()[0].grad)[0], 2.3 / std::sqrt(12.0), 1e-6);
  EXPECT_NEAR((*two_rows->learned_params()[0].grad)[0], 2.3 / std::sqrt(6.0), 1e-6);
  EXPECT_FALSE(one_row->to_integer(x, 1).params.is_signed);
}

}  // namespace
}  // namespace qasim::test
