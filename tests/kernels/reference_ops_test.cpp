// Reference convolution and fully-connected accumulators: hand-derived cases, then random
// awkward shapes against PyTorch's float64 convolution (exact for these magnitudes).
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/ops.h"
#include "tests/kernels/oracles/oracle.h"

namespace qasim::kernels {
namespace {

QuantParams zp_only(int bits, bool is_signed, int32_t zp) {
  return QuantParams::uniform(bits, is_signed, 1.f, zp);
}

ConvGeometry geometry(int kh, int kw, int sh = 1, int sw = 1, int pt = 0, int pl = 0, int pb = 0,
                      int pr = 0, int dh = 1, int dw = 1, int groups = 1) {
  ConvGeometry g;
  g.kernel_h = kh;
  g.kernel_w = kw;
  g.stride_h = sh;
  g.stride_w = sw;
  g.pad_top = pt;
  g.pad_left = pl;
  g.pad_bottom = pb;
  g.pad_right = pr;
  g.dilation_h = dh;
  g.dilation_w = dw;
  g.groups = groups;
  return g;
}

TEST(ReferenceConv, HandDerivedValidWithBias) {
  // x - 1 = [0..8] in a 3x3 image; 2x2 kernel [1 2; 3 4].
  const IntTensor x({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const IntTensor w({1, 1, 2, 2}, {1, 2, 3, 4});
  const AccTensor acc = reference::conv2d_accumulate(x, zp_only(8, false, 1), w,
                                                     zp_only(8, true, 0), {100}, geometry(2, 2));
  EXPECT_EQ(acc.dims(), (Dims{1, 1, 2, 2}));
  EXPECT_EQ(acc.values(), (std::vector<int64_t>{127, 137, 157, 167}));  // 27, 37, 57, 67 + 100
}

TEST(ReferenceConv, HandDerivedPaddingStrideAndWeightZeroPoint) {
  // Same image, w - 1 = [0 1; 2 3], pad 1 all round, stride 2: windows start at -1 and 1.
  const IntTensor x({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const IntTensor w({1, 1, 2, 2}, {1, 2, 3, 4});
  const AccTensor acc = reference::conv2d_accumulate(
      x, zp_only(8, false, 1), w, zp_only(8, true, 1), {}, geometry(2, 2, 2, 2, 1, 1, 1, 1));
  // (0,0): 3*x(0,0)=0; (0,1): 2*1 + 3*2; (1,0): 1*3 + 3*6; (1,1): 0*4 + 1*5 + 2*7 + 3*8.
  EXPECT_EQ(acc.values(), (std::vector<int64_t>{0, 8, 21, 43}));
}

TEST(ReferenceConv, PaddingIsTheInputZeroPoint) {
  // An image of x_zp contributes nothing, padded or not: only the bias remains.
  const IntTensor x({1, 2, 4, 4}, 7);
  IntTensor w({3, 2, 3, 3});
  for (int64_t i = 0; i < w.size(); ++i) w[i] = static_cast<int32_t>(i % 11) - 5;
  const AccTensor acc =
      reference::conv2d_accumulate(x, zp_only(8, false, 7), w, zp_only(8, true, 0), {4, -5, 6},
                                   geometry(3, 3, 1, 1, 2, 1, 0, 2));
  for (int64_t i = 0; i < acc.size(); ++i)
    EXPECT_EQ(acc[i], (std::vector<int64_t>{4, -5, 6})[(i / (acc.dim(2) * acc.dim(3))) % 3]);
}

TEST(ReferenceConv, HandDerivedDepthwise) {
  const IntTensor x({1, 2, 1, 2}, {1, 2, 3, 4});
  const IntTensor w({2, 1, 1, 1}, {2, 3});
  const AccTensor acc =
      reference::conv2d_accumulate(x, zp_only(8, false, 0), w, zp_only(8, true, 0), {},
                                   geometry(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2));
  EXPECT_EQ(acc.values(), (std::vector<int64_t>{2, 4, 9, 12}));
}

TEST(ReferenceConv, RejectsBadShapes) {
  const IntTensor x({1, 3, 4, 4}, 0);
  const QuantParams q = zp_only(8, true, 0);
  EXPECT_THROW(reference::conv2d_accumulate(x, q, IntTensor({2, 2, 3, 3}), q, {}, geometry(3, 3)),
               std::invalid_argument);  // channel mismatch
  EXPECT_THROW(reference::conv2d_accumulate(x, q, IntTensor({2, 3, 5, 5}), q, {}, geometry(5, 5)),
               std::invalid_argument);  // kernel larger than the image
  EXPECT_THROW(reference::conv2d_accumulate(x, q, IntTensor({2, 3, 3, 3}), q, {1}, geometry(3, 3)),
               std::invalid_argument);  // bias count
  EXPECT_THROW(reference::conv2d_accumulate(x, q, IntTensor({2, 3, 3, 3}), q, {}, geometry(2, 2)),
               std::invalid_argument);  // geometry disagrees with weights
  // Extent 5 > 4 with stride 2: the truncating out_h() formula alone would say 1.
  EXPECT_THROW(
      reference::conv2d_accumulate(x, q, IntTensor({2, 3, 5, 5}), q, {}, geometry(5, 5, 2, 2)),
      std::invalid_argument);
}

TEST(ReferenceFc, HandDerivedPerChannelZeroPoint) {
  const IntTensor x({1, 3}, {1, 2, 3});
  const IntTensor w({2, 3}, {1, 1, 1, 5, 5, 5});
  QuantParams wq = QuantParams::uniform_per_channel(8, {1.f, 1.f});
  wq.zero_point = {1, 4};
  const AccTensor acc = reference::fc_accumulate(x, zp_only(8, false, 0), w, wq, {10, 20});
  EXPECT_EQ(acc.dims(), (Dims{1, 2}));
  EXPECT_EQ(acc.values(), (std::vector<int64_t>{10, 26}));
  EXPECT_THROW(reference::fc_accumulate(x, zp_only(8, false, 0), IntTensor({2, 4}), wq, {}),
               std::invalid_argument);
}

// ---------------- against PyTorch ----------------

struct Operand {
  int bits;
  bool is_signed;
  int32_t lo() const { return is_signed ? -(1 << (bits - 1)) : 0; }
  int32_t hi() const { return is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1; }
};

IntTensor random_tensor(Dims dims, Operand op, std::mt19937& rng) {
  IntTensor t(std::move(dims));
  std::uniform_int_distribution<int32_t> d(op.lo(), op.hi());
  for (int64_t i = 0; i < t.size(); ++i) t[i] = d(rng);
  return t;
}

template <typename T>
void append(std::ostringstream& s, const std::vector<T>& v) {
  s << " |";
  for (const T& x : v) s << ' ' << x;
}

struct ConvCase {
  IntTensor x, w;
  QuantParams xq, wq;
  std::vector<int32_t> bias;
  ConvGeometry g;
};

ConvCase random_conv(const std::vector<int>& shape, Operand xo, Operand wo, bool per_channel_zp,
                     std::mt19937& rng) {
  const int n = shape[0], c = shape[1], h = shape[2], w = shape[3], oc = shape[4];
  ConvCase k;
  k.g = geometry(shape[5], shape[6], shape[7], shape[8], shape[9], shape[10], shape[11], shape[12],
                 shape[13], shape[14], shape[15]);
  k.x = random_tensor({n, c, h, w}, xo, rng);
  k.w = random_tensor({oc, c / k.g.groups, k.g.kernel_h, k.g.kernel_w}, wo, rng);
  std::uniform_int_distribution<int32_t> xz(xo.lo(), xo.hi()), wz(wo.lo(), wo.hi());
  k.xq = zp_only(xo.bits, xo.is_signed, xz(rng));
  k.wq = QuantParams::uniform(wo.bits, wo.is_signed, 1.f, 0);
  k.wq.zero_point.clear();
  for (int i = 0; i < (per_channel_zp ? oc : 1); ++i) k.wq.zero_point.push_back(wz(rng));
  if (per_channel_zp) k.wq.scale.assign(static_cast<size_t>(oc), 1.f);
  if (rng() % 2) {
    std::uniform_int_distribution<int32_t> b(-100000, 100000);
    for (int i = 0; i < oc; ++i) k.bias.push_back(b(rng));
  }
  return k;
}

TEST(ReferenceConv, MatchesTorchOnAwkwardShapes) {
  if (!test::python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  // N C H W OC KH KW sh sw pt pl pb pr dh dw groups
  const std::vector<std::vector<int>> shapes = {
      {1, 3, 11, 13, 5, 3, 3, 2, 2, 1, 0, 2, 1, 1, 1, 1},     // stride 2, asymmetric pads
      {2, 5, 9, 10, 7, 3, 2, 3, 3, 0, 1, 1, 0, 1, 1, 1},      // stride 3, 3x2 kernel
      {1, 13, 12, 12, 13, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 13},  // depthwise, dilation 2
      {1, 6, 8, 8, 12, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 6},      // depthwise, multiplier 2
      {1, 9, 10, 7, 6, 3, 3, 1, 1, 1, 1, 0, 0, 3, 1, 3},      // 3 groups, dilation 3x1
      {2, 17, 6, 5, 11, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},     // 1x1
      {1, 3, 16, 16, 4, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1},     // 7x7 stem
      {1, 4, 7, 7, 3, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1},       // 7x7 to 1x1
      {1, 2, 5, 6, 3, 2, 4, 3, 2, 0, 3, 1, 2, 2, 1, 1},       // everything uneven
      {1, 10, 9, 9, 20, 3, 3, 2, 1, 1, 0, 1, 2, 1, 2, 5},     // 5 groups, mixed
  };
  const std::vector<std::pair<Operand, Operand>> widths = {{{8, false}, {8, true}},
                                                           {{8, true}, {8, true}},
                                                           {{4, false}, {4, true}},
                                                           {{16, true}, {16, true}},
                                                           {{2, true}, {8, false}}};
  std::mt19937 rng(2024);
  std::vector<ConvCase> cases;
  std::ostringstream input;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const auto& [xo, wo] = widths[i % widths.size()];
    cases.push_back(random_conv(shapes[i], xo, wo, i % 2 == 1, rng));
    const ConvCase& k = cases.back();
    input << "conv";
    for (int v : shapes[i]) input << ' ' << v;
    append(input, k.xq.zero_point);
    append(input, k.x.values());
    append(input, k.wq.zero_point);
    append(input, k.w.values());
    append(input, k.bias);
    input << '\n';
  }
  const auto expected = test::run_oracle(input.str());
  ASSERT_EQ(expected.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const ConvCase& k = cases[i];
    const AccTensor acc = reference::conv2d_accumulate(k.x, k.xq, k.w, k.wq, k.bias, k.g);
    EXPECT_EQ(acc.values(), expected[i]) << "case " << i << " " << dims_to_string(acc.dims());
  }
}

TEST(ReferenceFc, MatchesTorch) {
  if (!test::python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  const std::vector<std::array<int, 3>> shapes = {
      {3, 37, 5}, {1, 1000, 10}, {4, 7, 1}, {2, 513, 33}};
  std::mt19937 rng(99);
  std::ostringstream input;
  struct FcCase {
    IntTensor x, w;
    QuantParams xq, wq;
    std::vector<int32_t> bias;
  };
  std::vector<FcCase> cases;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const auto [n, k, oc] = shapes[i];
    const Operand xo{8, i % 2 == 0}, wo{i == 3 ? 16 : 8, true};
    FcCase c;
    c.x = random_tensor({n, k}, xo, rng);
    c.w = random_tensor({oc, k}, wo, rng);
    c.xq = zp_only(xo.bits, xo.is_signed, xo.lo() + 3);
    c.wq = QuantParams::uniform(wo.bits, true, 1.f, 0);
    if (i % 2) {
      c.wq.scale.assign(static_cast<size_t>(oc), 1.f);
      c.wq.zero_point.clear();
      for (int o = 0; o < oc; ++o) c.wq.zero_point.push_back(o - 3);
      for (int o = 0; o < oc; ++o) c.bias.push_back(1000 * o - 7);
    }
    input << "fc " << n << ' ' << k << ' ' << oc;
    append(input, c.xq.zero_point);
    append(input, c.x.values());
    append(input, c.wq.zero_point);
    append(input, c.w.values());
    append(input, c.bias);
    input << '\n';
    cases.push_back(std::move(c));
  }
  const auto expected = test::run_oracle(input.str());
  ASSERT_EQ(expected.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const FcCase& c = cases[i];
    EXPECT_EQ(reference::fc_accumulate(c.x, c.xq, c.w, c.wq, c.bias).values(), expected[i])
        << "case " << i;
  }
}

}  // namespace
}  // namespace qasim::kernels
