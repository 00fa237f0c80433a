// Binary outputs (BNN / XNOR-Net activations) are the sign of the exact result, with
// sign(0) = +1, whatever the requantization mode.
#include <gtest/gtest.h>

#include "kernels/ops.h"

namespace qasim::kernels {
namespace {

const RequantMode kModes[] = {RequantMode::OnnxFloat, RequantMode::Gemmlowp, RequantMode::MulShift};

Numerics with(RequantMode m) {
  Numerics n;
  n.requant = m;
  return n;
}

TEST(BinaryOutput, RequantizerGivesSignWithZeroPositive) {
  const QuantParams out = QuantParams::binary({0.75f});
  for (RequantMode m : kModes) {
    // A multiplier so small that every accumulator would round to zero: the sign survives.
    const Requantizer r(with(m), 1e-6f, {1e-6f}, out, -1, 1);
    EXPECT_EQ(r.apply(0, 0), 1) << to_string(m);
    EXPECT_EQ(r.apply(1, 0), 1) << to_string(m);
    EXPECT_EQ(r.apply(-1, 0), -1) << to_string(m);
    EXPECT_EQ(r.apply(int64_t{1} << 40, 0), 1) << to_string(m);
    EXPECT_EQ(r.apply(-(int64_t{1} << 40), 0), -1) << to_string(m);
  }
}

TEST(BinaryOutput, AddIsSignOfTheRealSum) {
  const QuantParams a = QuantParams::binary({0.5f}), b = QuantParams::binary({0.25f});
  const QuantParams out = QuantParams::binary({1.0f});
  // a*0.5 + b*0.25 over all four sign pairs: 0.75, 0.25, -0.25, -0.75.
  const IntTensor x({1, 4, 1, 1}, {1, 1, -1, -1}), y({1, 4, 1, 1}, {1, -1, 1, -1});
  for (RequantMode m : kModes)
    EXPECT_EQ(add(x, a, y, b, out, with(m), -1, 1).values(), (std::vector<int32_t>{1, 1, -1, -1}));
  // Equal magnitudes of opposite sign sum to exactly zero: +1.
  const IntTensor z({1, 2, 1, 1}, {1, -1}), w({1, 2, 1, 1}, {-1, 1});
  EXPECT_EQ(add(z, a, w, a, out, with(RequantMode::OnnxFloat), -1, 1).values(),
            (std::vector<int32_t>{1, 1}));
}

TEST(BinaryOutput, AveragePoolAndRescaleGiveSign) {
  const QuantParams in = QuantParams::uniform(8, true, 0.1f, 3);
  const QuantParams out = QuantParams::binary({1.0f});
  // Windows (2x1) of values minus the zero point 3: {-1, +1} sums to 0 -> +1; {-2, 0} -> -1.
  const IntTensor x({1, 1, 2, 2}, {2, 1, 4, 3});
  ConvGeometry g;
  g.kernel_h = 2;
  g.kernel_w = 1;
  for (RequantMode m : kModes) {
    EXPECT_EQ(avg_pool(x, in, g, false, out, with(m)).values(), (std::vector<int32_t>{1, -1}));
    EXPECT_EQ(rescale(x, in, out, with(m)).values(), (std::vector<int32_t>{-1, -1, 1, 1}));
  }
}

}  // namespace
}  // namespace qasim::kernels
