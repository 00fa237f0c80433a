// Pooling, add, rescale and compare: hand-derived cases from the definitions, exact
// properties, and random cases against kernels_oracle.py (PyTorch window sums, numpy
// float32 for the ONNX mode, exact Python integers for gemmlowp and mult-shift).
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

#include "kernels/ops.h"
#include "tests/kernels/oracles/oracle.h"

namespace qasim::kernels {
namespace {

constexpr std::array<RequantMode, 3> kModes = {RequantMode::OnnxFloat, RequantMode::Gemmlowp,
                                               RequantMode::MulShift};

Numerics mode(RequantMode m, int mulshift_bits = 16) {
  Numerics n;
  n.requant = m;
  n.mulshift_bits = mulshift_bits;
  return n;
}

ConvGeometry window(int kh, int kw, int stride, int pad) {
  ConvGeometry g;
  g.kernel_h = kh;
  g.kernel_w = kw;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  return g;
}

std::vector<int32_t> repeat(int32_t v, size_t n) {
  return std::vector<int32_t>(n, v);
}

// ---------------- max pool ----------------

TEST(MaxPool, HandDerived) {
  IntTensor x({1, 1, 4, 4});
  for (int i = 0; i < 16; ++i) x[i] = i;
  EXPECT_EQ(max_pool(x, window(2, 2, 2, 0)).values(), (std::vector<int32_t>{5, 7, 13, 15}));
}

TEST(MaxPool, PaddedTapsNeverWin) {
  const IntTensor x({1, 1, 2, 2}, -100);
  const IntTensor y = max_pool(x, window(3, 3, 1, 1));
  EXPECT_EQ(y.dims(), (Dims{1, 1, 2, 2}));
  EXPECT_EQ(y.values(), repeat(-100, 4));
  // A window made only of padding (dilation jumps over the single row) is an error.
  ConvGeometry g = window(2, 1, 1, 0);
  g.pad_top = g.pad_bottom = 1;
  g.dilation_h = 2;
  EXPECT_THROW(max_pool(IntTensor({1, 1, 1, 1}, 3), g), std::invalid_argument);
}

// ---------------- average pool ----------------

TEST(AvgPool, HandDerivedRoundingPerMode) {
  // Window sum 10 over 4 taps: 2.5 -> 2 (half to even), 3 (gemmlowp), 3 (half up).
  const IntTensor x({1, 1, 2, 2}, {1, 2, 3, 4});
  const QuantParams q = QuantParams::uniform(8, true, 1.f, 0);
  const std::array<int32_t, 3> expected = {2, 3, 3};
  for (size_t i = 0; i < kModes.size(); ++i)
    EXPECT_EQ(avg_pool(x, q, window(2, 2, 1, 0), false, q, mode(kModes[i]))[0], expected[i])
        << to_string(kModes[i]);
}

TEST(AvgPool, CountIncludePad) {
  // Each 3x3 window at pad 1 over a 2x2 image of 9s holds 4 taps summing to 36.
  const IntTensor x({1, 1, 2, 2}, 9);
  const QuantParams q = QuantParams::uniform(8, false, 0.5f, 0);
  for (RequantMode m : kModes) {
    EXPECT_EQ(avg_pool(x, q, window(3, 3, 1, 1), true, q, mode(m)).values(), repeat(4, 4));
    EXPECT_EQ(avg_pool(x, q, window(3, 3, 1, 1), false, q, mode(m)).values(), repeat(9, 4));
  }
  // With a zero point, padded taps are real zero: x == zp everywhere gives the output zp.
  const QuantParams zq = QuantParams::uniform(8, false, 0.5f, 9);
  const QuantParams out = QuantParams::uniform(8, false, 0.25f, 17);
  for (RequantMode m : kModes)
    EXPECT_EQ(avg_pool(x, zq, window(3, 3, 1, 1), true, out, mode(m)).values(), repeat(17, 4));
}

TEST(AvgPool, GlobalHandDerived) {
  // Channel 0: 0..8, mean 4; channel 1: all equal to the zero point 5, mean 0; out zp 10.
  IntTensor x({1, 2, 3, 3});
  for (int i = 0; i < 9; ++i) {
    x[i] = i;
    x[9 + i] = 5;
  }
  const QuantParams xq = QuantParams::uniform(8, false, 0.1f, 5);
  const QuantParams out = QuantParams::uniform(8, false, 0.1f, 10);
  for (RequantMode m : kModes) {
    // Channel 0: sum of (x - 5) = 36 - 45 = -9, mean -1 -> 9.
    const IntTensor y = global_avg_pool(x, xq, out, mode(m));
    EXPECT_EQ(y.dims(), (Dims{1, 2, 1, 1}));
    EXPECT_EQ(y.values(), (std::vector<int32_t>{9, 10})) << to_string(m);
  }
}

std::string hex(float v) {
  std::ostringstream s;
  s << std::hexfloat << static_cast<double>(v);
  return s.str();
}

TEST(AvgPool, MatchesOracle) {
  if (!test::python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  struct Case {
    std::array<int, 15> geo;  // N C H W KH KW sh sw pt pl pb pr dh dw include_pad
    QuantParams xq, out;
    int mulshift_bits;
  };
  const std::vector<Case> cases = {
      {{1, 3, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0},
       QuantParams::uniform(8, false, 0.05f, 7),
       QuantParams::uniform(8, false, 0.07f, 3),
       16},
      {{2, 5, 8, 8, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0},
       QuantParams::uniform(8, true, 0.031f, -4),
       QuantParams::uniform(8, true, 0.029f, 2),
       8},
      {{1, 4, 9, 10, 3, 2, 1, 3, 1, 0, 2, 1, 2, 1, 1},
       QuantParams::uniform(8, false, 0.2f, 128),
       QuantParams::uniform(8, false, 0.0125f, 100),
       12},
      {{1, 2, 6, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 0},
       QuantParams::uniform(4, false, 0.3f, 2),
       QuantParams::uniform(8, false, 0.01f, 0),
       16},
      {{1, 7, 5, 5, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1},
       QuantParams::uniform(16, true, 1e-3f, 0),
       QuantParams::uniform(8, true, 0.03f, 1),
       31},
      {{1, 3, 6, 7, 3, 3, 3, 2, 1, 2, 0, 1, 1, 2, 1},
       QuantParams::uniform(8, true, 0.5f, 0),
       QuantParams::uniform(8, true, 0.5f, 0),
       16},
  };
  std::mt19937 rng(17);
  std::ostringstream input;
  std::vector<IntTensor> inputs;
  for (const Case& c : cases) {
    IntTensor x({c.geo[0], c.geo[1], c.geo[2], c.geo[3]});
    std::uniform_int_distribution<int32_t> d(c.xq.qmin(), c.xq.qmax());
    for (int64_t i = 0; i < x.size(); ++i) x[i] = d(rng);
    inputs.push_back(x);
    input << "pool";
    for (int v : c.geo) input << ' ' << v;
    input << ' ' << c.xq.zero_point[0] << ' ' << hex(c.xq.scale[0]) << ' ' << hex(c.out.scale[0])
          << ' ' << c.out.zero_point[0] << ' ' << c.out.qmin() << ' ' << c.out.qmax() << ' '
          << c.mulshift_bits << " |";
    for (int32_t v : x.values()) input << ' ' << v;
    input << '\n';
  }
  const auto expected = test::run_oracle(input.str());
  ASSERT_EQ(expected.size(), 3 * cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    ConvGeometry g;
    g.kernel_h = c.geo[4];
    g.kernel_w = c.geo[5];
    g.stride_h = c.geo[6];
    g.stride_w = c.geo[7];
    g.pad_top = c.geo[8];
    g.pad_left = c.geo[9];
    g.pad_bottom = c.geo[10];
    g.pad_right = c.geo[11];
    g.dilation_h = c.geo[12];
    g.dilation_w = c.geo[13];
    for (size_t m = 0; m < kModes.size(); ++m) {
      const IntTensor y =
          avg_pool(inputs[i], c.xq, g, c.geo[14] != 0, c.out, mode(kModes[m], c.mulshift_bits));
      std::vector<int64_t> got(y.values().begin(), y.values().end());
      EXPECT_EQ(got, expected[3 * i + m]) << "case " << i << " " << to_string(kModes[m]);
    }
  }
}

// ---------------- add ----------------

TEST(Add, EqualScalesAddExactlyInEveryMode) {
  // With one scale everywhere the sum a + b - za - zb + zc is representable: no mode may
  // round. All int8 pairs.
  const QuantParams aq = QuantParams::uniform(8, true, 0.1f, 3);
  const QuantParams bq = QuantParams::uniform(8, true, 0.1f, -7);
  const QuantParams out = QuantParams::uniform(8, true, 0.1f, 1);
  IntTensor a({256 * 256}), b({256 * 256});
  for (int i = 0; i < 256; ++i)
    for (int j = 0; j < 256; ++j) {
      a[i * 256 + j] = i - 128;
      b[i * 256 + j] = j - 128;
    }
  for (RequantMode m : kModes) {
    const IntTensor y = add(a, aq, b, bq, out, mode(m), -128, 127);
    for (int64_t k = 0; k < y.size(); ++k)
      ASSERT_EQ(y[k], std::clamp(a[k] - 3 + b[k] + 7 + 1, -128, 127))
          << to_string(m) << " " << a[k] << " + " << b[k];
  }
}

TEST(Add, HandDerivedTies) {
  // 10 * 0.5 + (3 - 1) * 0.25 = 5.5; 8 * 0.5 + 0.5 = 4.5; out scale 1.
  const IntTensor a({2}, {10, 8}), b({2}, {3, 3});
  const QuantParams aq = QuantParams::uniform(8, false, 0.5f, 0);
  const QuantParams bq = QuantParams::uniform(8, false, 0.25f, 1);
  const QuantParams out = QuantParams::uniform(8, false, 1.f, 0);
  EXPECT_EQ(add(a, aq, b, bq, out, mode(RequantMode::OnnxFloat), 0, 255).values(),
            (std::vector<int32_t>{6, 4}));  // half to even
  EXPECT_EQ(add(a, aq, b, bq, out, mode(RequantMode::MulShift), 0, 255).values(),
            (std::vector<int32_t>{6, 5}));  // one rounding, half up
  EXPECT_EQ(add(a, aq, b, bq, out, mode(RequantMode::OnnxFloat), 0, 5).values(),
            (std::vector<int32_t>{5, 4}));  // clamped to [lo, hi]
  EXPECT_THROW(add(a, aq, IntTensor({3}), bq, out, mode(RequantMode::OnnxFloat), 0, 255),
               std::invalid_argument);
}

TEST(Add, MatchesOracleExhaustively) {
  if (!test::python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  struct Case {
    QuantParams aq, bq, out;
    int mulshift_bits;
  };
  const std::vector<Case> cases = {
      {QuantParams::uniform(8, false, 0.0213f, 131), QuantParams::uniform(8, false, 0.0087f, 12),
       QuantParams::uniform(8, false, 0.0301f, 77), 16},
      {QuantParams::uniform(8, true, 0.05f, -3), QuantParams::uniform(8, true, 0.15f, 9),
       QuantParams::uniform(8, true, 0.1f, 0), 8},
      {QuantParams::uniform(4, false, 0.3f, 7), QuantParams::uniform(8, false, 0.011f, 128),
       QuantParams::uniform(8, false, 0.0071f, 20), 12},
  };
  std::ostringstream input;
  for (const Case& c : cases)
    input << "add " << hex(c.aq.scale[0]) << ' ' << hex(c.bq.scale[0]) << ' ' << hex(c.out.scale[0])
          << ' ' << c.aq.zero_point[0] << ' ' << c.bq.zero_point[0] << ' ' << c.out.zero_point[0]
          << ' ' << c.aq.qmin() << ' ' << c.aq.qmax() << ' ' << c.bq.qmin() << ' ' << c.bq.qmax()
          << ' ' << c.out.qmin() << ' ' << c.out.qmax() << ' ' << c.mulshift_bits << ' '
          << std::max(c.aq.bits, c.bq.bits) << '\n';
  const auto expected = test::run_oracle(input.str());
  ASSERT_EQ(expected.size(), 3 * cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    std::vector<int32_t> av, bv;
    for (int32_t x = c.aq.qmin(); x <= c.aq.qmax(); ++x)
      for (int32_t y = c.bq.qmin(); y <= c.bq.qmax(); ++y) {
        av.push_back(x);
        bv.push_back(y);
      }
    const auto n = static_cast<int64_t>(av.size());
    for (size_t m = 0; m < kModes.size(); ++m) {
      const IntTensor y = add(IntTensor({n}, av), c.aq, IntTensor({n}, bv), c.bq, c.out,
                              mode(kModes[m], c.mulshift_bits), c.out.qmin(), c.out.qmax());
      std::vector<int64_t> got(y.values().begin(), y.values().end());
      EXPECT_EQ(got, expected[3 * i + m]) << "case " << i << " " << to_string(kModes[m]);
    }
  }
}

// ---------------- rescale ----------------

TEST(Rescale, HandDerived) {
  const QuantParams xq = QuantParams::uniform(8, true, 0.5f, 1);
  const QuantParams out = QuantParams::uniform(8, true, 0.25f, 3);
  // (5 - 1) * 0.5 = 2 -> 8 + 3: exact in every mode; 127 -> 63 / 0.25 = 252 saturates.
  for (RequantMode m : kModes)
    EXPECT_EQ(rescale(IntTensor({2}, {5, 127}), xq, out, mode(m)).values(),
              (std::vector<int32_t>{11, 127}));
  // Halving: 1.5, 2.5 and -2.5.
  const QuantParams one = QuantParams::uniform(8, true, 1.f, 0);
  const QuantParams two = QuantParams::uniform(8, true, 2.f, 0);
  const IntTensor x({3}, {3, 5, -5});
  EXPECT_EQ(rescale(x, one, two, mode(RequantMode::OnnxFloat)).values(),
            (std::vector<int32_t>{2, 2, -2}));  // half to even
  EXPECT_EQ(rescale(x, one, two, mode(RequantMode::Gemmlowp)).values(),
            (std::vector<int32_t>{2, 3, -2}));  // SRDHM ties up, no shift
  EXPECT_EQ(rescale(x, one, two, mode(RequantMode::MulShift)).values(),
            (std::vector<int32_t>{2, 3, -2}));  // half up
}

// ---------------- compare ----------------

TEST(Compare, HandDerived) {
  const Mismatch m = compare(IntTensor({4}, {1, 2, 3, 4}), IntTensor({4}, {1, 5, 3, 0}));
  EXPECT_EQ(m.total, 4);
  EXPECT_EQ(m.differing, 2);
  EXPECT_EQ(m.max_abs_diff, 4);
  EXPECT_DOUBLE_EQ(m.mean_abs_diff, 7.0 / 4);
  const Mismatch same = compare(IntTensor({2}, {7, 8}), IntTensor({2}, {7, 8}));
  EXPECT_EQ(same.differing, 0);
  EXPECT_EQ(same.mean_abs_diff, 0.0);
  const int32_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(compare(IntTensor({1}, {lo}), IntTensor({1}, {hi})).max_abs_diff, hi);  // saturated
  EXPECT_THROW(compare(IntTensor({2}), IntTensor({1, 2})), std::invalid_argument);
  EXPECT_EQ(compare(IntTensor({0}), IntTensor({0})).mean_abs_diff, 0.0);
}

}  // namespace
}  // namespace qasim::kernels
