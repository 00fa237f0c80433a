// HWGQ against hand-derived cases from the paper's steps (REFERENCES.md).
#include <gtest/gtest.h>

#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

TEST(QatHwgq, TwoBitLevelsAndClippedReluBackward) {
  auto q = make_q("hwgq", Role::Activation, 2);  // step 0.538, levels 0..3, clip 1.614
  const std::vector<float> x = {-1.f, 0.f, 0.2f, 0.3f, 0.538f, 0.8f, 1.5f, 3.f};
  const float s = 0.538f;
  // x / step: 0.37 -> 0, 0.56 -> 1, 1 -> 1, 1.49 -> 1, 2.79 -> 3, 5.6 -> clipped to 3.
  EXPECT_EQ(fwd(*q, x), (std::vector<float>{0, 0, 0, s, s, s, 3 * s, 3 * s}));
  EXPECT_EQ(bwd(*q, x, std::vector<float>(8, 1.f)), (std::vector<float>{0, 0, 1, 1, 1, 1, 1, 0}));
  const auto z = q->to_integer(x, 1);
  EXPECT_EQ(z.values.values(), (std::vector<int32_t>{0, 0, 0, 1, 1, 1, 3, 3}));
  EXPECT_EQ(z.params.scale, std::vector<float>{s});
  EXPECT_FALSE(z.params.is_signed);
  EXPECT_EQ(z.params.bits, 2);
}

TEST(QatHwgq, StepsOfEveryWidth) {
  const std::vector<float> steps = {0.799f, 0.538f, 0.3217f, 0.185f};
  for (int bits = 1; bits <= 4; ++bits) {
    auto q = make_q("hwgq", Role::Activation, bits);
    const float s = steps[bits - 1];
    const float top = static_cast<float>((1 << bits) - 1);
    // One step, just under half a step, far above the top level.
    EXPECT_EQ(fwd(*q, {s, 0.49f * s, 100.f}), (std::vector<float>{s, 0.f, top * s})) << bits;
    EXPECT_EQ(bwd(*q, {100.f, 0.5f * s}, {1, 1}), (std::vector<float>{0, 1})) << bits;
  }
}

}  // namespace
}  // namespace qasim::test
