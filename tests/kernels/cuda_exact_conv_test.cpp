// The exact inference kernels' host emulation (kernels/cuda/exact_conv.h: the CUDA kernel's
// own per-output code run on the CPU) against the golden reference: conv2d_accumulate /
// fc_accumulate, apply_overflow and Requantizer::apply, bit for bit, over geometries, zero
// points, per-channel scales, requantization modes, accumulator widths and binary layers.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/cuda/exact_conv.h"
#include "kernels/ops.h"
#include "tests/kernels/random_int_tensors.h"

namespace qasim::kernels::cuda {
namespace {

struct Layer {
  int64_t n = 2, c = 8, h = 7, w = 6, oc = 5;
  ConvGeometry g;
  QuantParams xq = QuantParams::uniform(8, false, 0.05f, 0);
  QuantParams wq = QuantParams::uniform(8, true, 0.01f, 0);
  QuantParams out = QuantParams::uniform(8, false, 0.1f, 0);
  Numerics numerics;
  Activation act = Activation::Relu;
  bool bias = true;
};

using test::random_pm1;
using test::random_tensor;

struct Operands {
  IntTensor x, w;
  std::vector<int32_t> bias;
};

Operands random_operands(const Layer& l, std::mt19937& rng) {
  Operands o;
  if (l.xq.scheme == Scheme::Binary)
    o.x = random_pm1({l.n, l.c, l.h, l.w}, rng);
  else
    o.x = random_tensor({l.n, l.c, l.h, l.w}, l.xq.qmin(), l.xq.qmax(), rng);
  const Dims wd = {l.oc, l.c / l.g.groups, l.g.kernel_h, l.g.kernel_w};
  o.w = l.wq.scheme == Scheme::Binary ? random_pm1(wd, rng)
                                      : random_tensor(wd, l.wq.qmin(), l.wq.qmax(), rng);
  if (l.bias) o.bias = random_tensor({l.oc}, -3000, 3000, rng).values();
  return o;
}

IntTensor golden(const Layer& l, const Operands& o) {
  AccTensor acc = conv2d_accumulate(o.x, l.xq, o.w, l.wq, o.bias, l.g);
  apply_overflow(acc, l.numerics.accumulator);
  const auto [lo, hi] = activation_bounds(l.act, l.out);
  return Requantizer(l.numerics, l.xq.scale[0], l.wq.scale, l.out, lo, hi).apply(acc);
}

ExactConvPlan plan_for(const Layer& l, const Operands& o) {
  const auto [lo, hi] = activation_bounds(l.act, l.out);
  ExactConvPlanResult r =
      plan_exact_conv(l.c, l.h, l.w, l.xq, o.w, l.wq, o.bias, l.g, l.numerics, l.out, lo, hi);
  if (!r.plan) throw std::runtime_error("no plan: " + r.reason);
  return *r.plan;
}

void expect_exact(const Layer& l, std::mt19937& rng, ExactPath path) {
  const Operands o = random_operands(l, rng);
  const ExactConvPlan plan = plan_for(l, o);
  EXPECT_EQ(plan.path, path);
  const IntTensor want = golden(l, o), got = run_exact_conv_host(plan, o.x);
  ASSERT_EQ(got.dims(), want.dims());
  const Mismatch m = compare(got, want);
  EXPECT_EQ(m.differing, 0) << "of " << m.total << ", max diff " << m.max_abs_diff;
}

TEST(CudaExactConv, Int8UnsignedActivationsEveryRequantMode) {
  std::mt19937 rng(11);
  for (RequantMode mode : {RequantMode::OnnxFloat, RequantMode::Gemmlowp, RequantMode::MulShift}) {
    Layer l;
    l.g.kernel_h = l.g.kernel_w = 3;
    l.g.pad_top = l.g.pad_left = l.g.pad_bottom = l.g.pad_right = 1;
    l.numerics.requant = mode;
    l.wq = QuantParams::uniform_per_channel(8, {0.01f, 0.02f, 0.005f, 0.013f, 0.03f});
    expect_exact(l, rng, ExactPath::Int8Unsigned);
  }
}

TEST(CudaExactConv, Int8SignedWithZeroPointsStridesDilationGroups) {
  std::mt19937 rng(12);
  Layer l;
  l.c = 12, l.oc = 6, l.h = 9, l.w = 11;
  l.g.kernel_h = 3, l.g.kernel_w = 2;
  l.g.stride_h = 2, l.g.stride_w = 1;
  l.g.dilation_h = 1, l.g.dilation_w = 2;
  l.g.pad_top = 2, l.g.pad_left = 1, l.g.pad_bottom = 0, l.g.pad_right = 3;
  l.g.groups = 3;  // 4 input channels per group: one word
  l.xq = QuantParams::uniform(8, true, 0.03f, 0);
  l.wq = QuantParams::uniform(4, true, 0.1f, 0);
  l.wq.zero_point = {1, -2, 0, 3, 0, -1};  // asymmetric per-channel weights
  l.wq.scale = {0.1f, 0.2f, 0.1f, 0.05f, 0.1f, 0.3f};
  l.out = QuantParams::uniform(8, true, 0.2f, 3);
  l.act = Activation::None;
  expect_exact(l, rng, ExactPath::Int8Signed);
}

TEST(CudaExactConv, UnsignedInputWithZeroPointAndOddChannelCount) {
  std::mt19937 rng(13);
  Layer l;
  l.c = 7, l.oc = 3;  // 7 channels: the second word of a tap is 3/4 used
  l.xq = QuantParams::uniform(8, false, 0.02f, 128);  // x - zp in [-128, 127]: signed path
  l.g.kernel_h = l.g.kernel_w = 3;
  l.g.pad_top = l.g.pad_left = l.g.pad_bottom = l.g.pad_right = 1;
  expect_exact(l, rng, ExactPath::Int8Signed);
  l.xq = QuantParams::uniform(8, false, 0.02f, 0);  // [0, 255]: unsigned path
  expect_exact(l, rng, ExactPath::Int8Unsigned);
  // [-37, 218] fits no byte: raw x packed, corrected by the zero point per tap (also at the
  // padded border, where fewer taps count).
  l.xq = QuantParams::uniform(8, false, 0.02f, 37);
  expect_exact(l, rng, ExactPath::Int8Unsigned);
  l.xq = QuantParams::uniform(8, true, 0.02f, -100);  // [-28, 227] from signed: raw, signed
  expect_exact(l, rng, ExactPath::Int8Signed);
}

TEST(CudaExactConv, NarrowAccumulatorsWrapAndSaturateAsTheGoldenOnes) {
  std::mt19937 rng(14);
  for (Overflow o : {Overflow::Wrap, Overflow::Saturate}) {
    Layer l;
    l.c = 32;
    l.g.kernel_h = l.g.kernel_w = 3;
    l.numerics.accumulator = {14, o};  // sums of 288 byte products overflow 14 bits often
    l.numerics.requant = RequantMode::Gemmlowp;
    l.out = QuantParams::uniform(8, true, 0.5f, 0);
    l.act = Activation::None;
    expect_exact(l, rng, ExactPath::Int8Unsigned);
  }
}

TEST(CudaExactConv, BinaryLayersWithPaddingAndPartialWords) {
  std::mt19937 rng(15);
  for (int64_t c : {3, 64, 70, 130}) {
    Layer l;
    l.c = c, l.oc = 4, l.h = 5, l.w = 5;
    l.g.kernel_h = l.g.kernel_w = 3;
    l.g.pad_top = l.g.pad_left = l.g.pad_bottom = l.g.pad_right = 1;
    l.xq = QuantParams::binary({1.f});
    l.wq = QuantParams::binary({0.5f, 0.25f, 0.125f, 1.f});
    l.out = QuantParams::binary({1.f});  // sign of the accumulator
    l.bias = c != 64;
    expect_exact(l, rng, ExactPath::Binary);
    l.out = QuantParams::uniform(8, true, 0.5f, 0);  // a binary layer feeding an int8 one
    l.act = Activation::None;
    expect_exact(l, rng, ExactPath::Binary);
  }
}

TEST(CudaExactConv, BinaryActivationsWithInt8WeightsTakeTheInt8Path) {
  std::mt19937 rng(16);
  Layer l;
  l.xq = QuantParams::binary({1.f});
  expect_exact(l, rng, ExactPath::Int8Signed);
}

TEST(CudaExactConv, FullyConnectedEqualsFcAccumulate) {
  std::mt19937 rng(17);
  const int64_t n = 3, k = 37, oc = 10;
  const QuantParams xq = QuantParams::uniform(8, false, 0.04f, 5);
  const QuantParams wq = QuantParams::uniform(8, true, 0.02f, 0);
  const QuantParams out = QuantParams::uniform(8, true, 0.3f, -4);
  const IntTensor x = random_tensor({n, k}, 0, 255, rng);
  const IntTensor w = random_tensor({oc, k}, -128, 127, rng);
  const std::vector<int32_t> bias = random_tensor({oc}, -500, 500, rng).values();
  Numerics numerics;
  AccTensor acc = fc_accumulate(x, xq, w, wq, bias);
  apply_overflow(acc, numerics.accumulator);
  const IntTensor want = Requantizer(numerics, xq.scale[0], wq.scale, out, -128, 127).apply(acc);
  const ExactConvPlanResult r = plan_exact_fc(k, xq, w, wq, bias, numerics, out, -128, 127);
  ASSERT_TRUE(r.plan) << r.reason;
  const IntTensor got = run_exact_conv_host(*r.plan, x);
  EXPECT_EQ(got.values(), want.values());
}

TEST(CudaExactConv, RefusesWhatItCannotComputeExactly) {
  std::mt19937 rng(18);
  Layer l;
  l.wq = QuantParams::uniform(9, true, 0.01f, 0);  // 9-bit weights: no signed byte
  Operands o = random_operands(l, rng);
  o.w[0] = 200;
  const auto [lo, hi] = activation_bounds(l.act, l.out);
  ExactConvPlanResult r =
      plan_exact_conv(l.c, l.h, l.w, l.xq, o.w, l.wq, o.bias, l.g, l.numerics, l.out, lo, hi);
  EXPECT_FALSE(r.plan);
  EXPECT_NE(r.reason.find("signed byte"), std::string::npos) << r.reason;

  // 2048 * 7 * 7 taps of 255 * 128 could overflow int32.
  Layer big;
  big.n = 1, big.c = 2048, big.h = big.w = 7;
  big.g.kernel_h = big.g.kernel_w = 7;
  const Operands ob = random_operands(big, rng);
  r = plan_exact_conv(big.c, big.h, big.w, big.xq, ob.w, big.wq, ob.bias, big.g, big.numerics,
                      big.out, 0, 255);
  EXPECT_FALSE(r.plan);
  EXPECT_NE(r.reason.find("overflow"), std::string::npos) << r.reason;

  // A value outside the declared input range is an error, not a wrong answer.
  const ExactConvPlan plan = plan_for(l = Layer{}, o = random_operands(Layer{}, rng));
  o.x[3] = 300;
  EXPECT_THROW(run_exact_conv_host(plan, o.x), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::kernels::cuda
