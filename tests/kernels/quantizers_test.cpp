// Quantizers: ONNX QuantizeLinear node test vectors, hand-derived cases from the published
// constants (REFERENCES.md), and brute-force oracles written independently of the code.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/quantizers.h"

namespace qasim::kernels {
namespace {

FloatTensor floats(Dims dims, std::vector<float> v) {
  return FloatTensor(std::move(dims), std::move(v));
}

// ---------------- uniform ----------------

TEST(Uniform, OnnxQuantizeLinearNodeTestVectors) {
  // test_quantizelinear: scale 2, uint8 zero point 128.
  const Quantized q = quantize_uniform(floats({6}, {0, 2, 3, 1000, -254, -1000}),
                                       QuantParams::uniform(8, false, 2.f, 128));
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{128, 129, 130, 255, 1, 0}));
  // test_quantizelinear_axis: per channel along axis 1 of [1, 3, 3, 2].
  QuantParams axis = QuantParams::uniform(8, false, 1.f, 0);
  axis.scale = {2, 4, 5};
  axis.zero_point = {84, 24, 196};
  axis.axis = 1;
  const Quantized qa =
      quantize_uniform(floats({1, 3, 3, 2}, {-162, 10, -100, 232, -20, -50, -76, 0, 0, 252, 32, -44,
                                             245, -485, -960, -270, -375, -470}),
                       axis);
  EXPECT_EQ(qa.values.values(), (std::vector<int32_t>{3, 89, 34, 200, 74, 59, 5, 24, 24, 87, 32, 13,
                                                      245, 99, 4, 142, 121, 102}));
}

TEST(Uniform, HalfToEvenAndSaturation) {
  const QuantParams q = QuantParams::uniform(4, true, 1.f, 0);  // [-8, 7]
  const Quantized r =
      quantize_uniform(floats({7}, {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 7.5f, -100.f}), q);
  EXPECT_EQ(r.values.values(), (std::vector<int32_t>{0, 2, 2, 0, -2, 7, -8}));
  EXPECT_THROW(quantize_uniform(floats({1}, {std::nanf("")}), q), std::invalid_argument);
}

TEST(Uniform, ChooseParamsHandDerived) {
  const QuantParams s = choose_uniform_params(-1.f, 1.f, 8, true, true);
  EXPECT_FLOAT_EQ(s.scale[0], 1.f / 127);
  EXPECT_EQ(s.zero_point[0], 0);
  const QuantParams u = choose_uniform_params(-1.f, 1.f, 8, false, true);
  EXPECT_FLOAT_EQ(u.scale[0], 1.f / 127);
  EXPECT_EQ(u.zero_point[0], 128);
  // Asymmetric uint8 over [-1, 3]: scale 4/255; zero point round(1 / (4/255)) = round(63.75).
  const QuantParams a = choose_uniform_params(-1.f, 3.f, 8, false, false);
  EXPECT_FLOAT_EQ(a.scale[0], 4.f / 255);
  EXPECT_EQ(a.zero_point[0], 64);
  // A positive range is widened to include zero.
  const QuantParams p = choose_uniform_params(2.f, 4.f, 8, false, false);
  EXPECT_EQ(p.zero_point[0], 0);
  EXPECT_FLOAT_EQ(p.scale[0], 4.f / 255);
  EXPECT_EQ(choose_uniform_params(0.f, 0.f, 8, true, false).scale[0], 1.f);
  EXPECT_THROW(choose_uniform_params(1.f, -1.f, 8, true, false), std::invalid_argument);
  EXPECT_THROW(choose_uniform_params(0.f, 1.f, 1, true, false), std::invalid_argument);
}

TEST(Uniform, PerChannelMinMaxRoundTrips) {
  std::mt19937 rng(1);
  std::normal_distribution<float> d(0.f, 1.f);
  FloatTensor w({4, 3, 3, 3});
  for (int64_t i = 0; i < w.size(); ++i) w[i] = d(rng) * static_cast<float>(1 + i / 27);
  for (bool symmetric : {true, false}) {
    const Quantized q = quantize_uniform_minmax(w, 6, true, symmetric, {true, 0});
    ASSERT_EQ(q.params.scale.size(), 4u);
    const FloatTensor back = dequantize(q.values, q.params);
    for (int64_t i = 0; i < w.size(); ++i) {
      const float s = q.params.scale[static_cast<size_t>(i / 27)];
      EXPECT_LE(std::fabs(back[i] - w[i]), 0.5f * s * 1.0001f) << i;  // in range: half a step
    }
  }
}

// ---------------- binary, ternary ----------------

TEST(Binary, SignOfZeroIsPlusOneAndAlphaIsMeanAbs) {
  const Quantized q = quantize_binary(floats({2, 3}, {0.f, -2.f, 1.f, -0.5f, 0.5f, -0.f}));
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{1, -1, 1, -1, 1, 1}));
  EXPECT_EQ(q.params.scheme, Scheme::Binary);
  ASSERT_EQ(q.params.scale.size(), 2u);
  EXPECT_FLOAT_EQ(q.params.scale[0], 1.f);        // (0 + 2 + 1) / 3
  EXPECT_FLOAT_EQ(q.params.scale[1], 1.f / 3.f);  // (0.5 + 0.5 + 0) / 3
  const Quantized t = quantize_binary(floats({2, 2}, {1.f, -1.f, 3.f, 3.f}), {false, 0});
  EXPECT_FLOAT_EQ(t.params.scale[0], 2.f);
}

TEST(Twn, HandDerived) {
  // mean |w| = 2.8 / 6, delta = 0.7 * that = 0.32667; above it: -0.9, 0.5, 1.0.
  const Quantized q = quantize_twn(floats({6}, {0.1f, -0.9f, 0.5f, 0.f, 1.f, -0.3f}));
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{0, -1, 1, 0, 1, 0}));
  EXPECT_EQ(q.params.scheme, Scheme::Ternary);
  EXPECT_FLOAT_EQ(q.params.scale[0], 0.8f);  // (0.9 + 0.5 + 1.0) / 3
}

TEST(Twn, PerChannel) {
  const Quantized q = quantize_twn(floats({2, 3}, {1.f, 1.f, 1.f, 0.f, 0.f, 6.f}), {true, 0});
  // Channel 0: delta 0.7, all above, alpha 1. Channel 1: delta 1.4, only 6, alpha 6.
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(q.params.scale, (std::vector<float>{1.f, 6.f}));
}

TEST(Ttq, CodebookOfWpAndWn) {
  // max |w| = 2, delta = 0.1. Wp = 1.5, Wn = 0.5 in 8 bits: 1.5 * 2^6 = 96 fits 127, 2^7 not.
  const Quantized q = quantize_ttq(floats({5}, {2.f, 0.09f, -0.11f, 0.05f, -2.f}), 1.5f, 0.5f, 8);
  EXPECT_EQ(q.params.scheme, Scheme::Codebook);
  EXPECT_EQ(q.params.bits, 2);
  EXPECT_EQ(q.params.codebook, (std::vector<int32_t>{-32, 0, 96}));
  EXPECT_FLOAT_EQ(q.params.scale[0], 1.f / 64);
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{96, 0, -32, 0, -32}));
  EXPECT_THROW(quantize_ttq(floats({1}, {1.f}), 0.f, 1.f), std::invalid_argument);
}

// ---------------- power of two ----------------

// Brute force: the level (0 or 2^k, k <= top) nearest to v in the log domain, where 0 wins
// only below 1/2.
int32_t oracle_pow2_level(long double v, int top) {
  if (v < 0.5L) return 0;
  int best = 0;
  long double best_dist = std::numeric_limits<long double>::infinity();
  for (int k = 0; k <= top; ++k) {
    const long double dist = std::fabs(std::log2(v) - k);
    if (dist < best_dist) {
      best = k;
      best_dist = dist;
    }
  }
  return int32_t{1} << best;
}

TEST(PowerOfTwo, HandDerived) {
  // 4 bits: levels 0, +-1 .. +-64; max |w| = 1 -> scale 2^-6, so v = 64 |w|.
  const Quantized q = quantize_pow2(floats({7}, {1.f, 0.3f, 0.2f, 0.005f, 0.01f, -0.7f, -1.f}), 4);
  EXPECT_EQ(q.params.scheme, Scheme::PowerOfTwo);
  EXPECT_EQ(q.params.scale[0], std::ldexp(1.f, -6));
  // 19.2 -> 16; 12.8 -> 16 (above 2^3.5 = 11.3); 0.32 -> 0; 0.64 -> 1; 44.8 -> 32 (below 45.3).
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{64, 16, 16, 0, 1, -32, -64}));
}

TEST(PowerOfTwo, MatchesBruteForceLogDomain) {
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> log_mag(-12.f, 1.f);
  for (int bits : {2, 3, 4, 5}) {
    FloatTensor w({2000});
    for (int64_t i = 0; i < w.size(); ++i)
      w[i] = std::exp2(log_mag(rng)) * (rng() % 2 ? 1.f : -1.f);
    const Quantized q = quantize_pow2(w, bits, {false, 0});
    const int top = q.params.max_exponent();
    const long double scale = q.params.scale[0];
    for (int64_t i = 0; i < w.size(); ++i) {
      const int32_t level =
          oracle_pow2_level(std::fabs(static_cast<long double>(w[i])) / scale, top);
      ASSERT_EQ(q.values[i], w[i] < 0 ? -level : level) << w[i] << " bits " << bits;
    }
  }
}

// ---------------- codebook ----------------

TEST(Codebook, NearestCentroidAndFixedPointImage) {
  // Centroids need f = 13 in 16 bits: 3.2 * 2^13 = 26214.4 -> 26214 <= 32767 (2^14 would not fit).
  const std::vector<float> centroids = {-1.f, 0.25f, 3.2f};
  const Quantized q =
      quantize_codebook(floats({5}, {-5.f, 0.f, 1.725f, 1.8f, 100.f}), centroids, 16);
  EXPECT_EQ(q.params.codebook, (std::vector<int32_t>{-8192, 2048, 26214}));
  EXPECT_EQ(q.params.scale[0], std::ldexp(1.f, -13));
  EXPECT_EQ(q.params.bits, 2);
  // 1.725 is equidistant from 0.25 and 3.2: the lower index wins.
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{-8192, 2048, 2048, 26214, 26214}));
}

TEST(Codebook, WidthIsUsedToTheFull) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> d(-3.f, 3.f);
  for (int value_bits : {2, 4, 5, 8, 12, 16})
    for (int trial = 0; trial < 50; ++trial) {
      std::vector<float> c(1 + rng() % 16);
      for (float& x : c)
        x = d(rng) * std::exp2(static_cast<float>(static_cast<int>(rng() % 9) - 4));
      const Quantized q = quantize_codebook(floats({1}, {0.f}), c, value_bits);
      const int frac = -std::ilogb(q.params.scale[0]);
      const long double limit = std::ldexp(1.0L, value_bits - 1) - 1;
      long double max_next = 0;
      for (size_t i = 0; i < c.size(); ++i) {
        EXPECT_LE(std::abs(q.params.codebook[i]), limit);
        EXPECT_EQ(
            q.params.codebook[i],
            static_cast<int32_t>(std::lround(std::ldexp(static_cast<long double>(c[i]), frac))));
        max_next = std::max(
            max_next, std::fabs(std::round(std::ldexp(static_cast<long double>(c[i]), frac + 1))));
      }
      EXPECT_GT(max_next, limit) << "a finer fixed point would have fit";
    }
}

// ---------------- fixed point ----------------

TEST(FixedPoint, RoundToNearestTiesUpAndSaturate) {
  // Q3.4 in 8 bits: step 1/16, range [-128, 127].
  const Quantized q =
      quantize_fixed(floats({6}, {1.03125f, -1.03125f, 0.0625f, 100.f, -100.f, -0.03125f}), 8, 4);
  EXPECT_EQ(q.values.values(), (std::vector<int32_t>{17, -16, 1, 127, -128, 0}));
  EXPECT_EQ(q.params.scheme, Scheme::FixedPoint);
  EXPECT_EQ(q.params.frac_bits, 4);
  EXPECT_EQ(q.params.scale[0], 1.f / 16);
}

TEST(FixedPoint, StochasticRoundingIsSeededAndUnbiased) {
  // 0.25 + 0.3/16 in Q.4: 4.3 steps, so 5 with probability 0.3.
  const float x = 0.25f + 0.3f / 16;
  const double steps = std::ldexp(double{x}, 4);
  FloatTensor t({100000}, x);
  std::mt19937 rng(42), replay(42);
  const Quantized q = quantize_fixed_stochastic(t, 8, 4, rng);
  int64_t ups = 0;
  for (int64_t i = 0; i < t.size(); ++i) {
    // Gupta et al.: round up with probability equal to the fraction, one 32-bit draw each.
    const bool up = static_cast<double>(replay()) / 4294967296.0 < steps - 4;
    ASSERT_EQ(q.values[i], up ? 5 : 4);
    ups += up;
  }
  EXPECT_NEAR(static_cast<double>(ups) / t.size(), steps - 4, 0.005);
  // Exact values never move, and the stream advances once per element regardless.
  std::mt19937 a(7), b(7);
  const Quantized exact = quantize_fixed_stochastic(floats({3}, {0.5f, -1.f, 2.f}), 8, 4, a);
  EXPECT_EQ(exact.values.values(), (std::vector<int32_t>{8, -16, 32}));
  b.discard(3);
  EXPECT_EQ(a(), b());
}

// ---------------- dequantize ----------------

TEST(Dequantize, AffinePerChannel) {
  QuantParams q = QuantParams::uniform_per_channel(8, {0.5f, 2.f});
  q.zero_point = {1, -1};
  q.axis = 1;
  const FloatTensor r = dequantize(IntTensor({1, 2, 2}, {3, 1, 0, 4}), q);
  EXPECT_EQ(r.values(), (std::vector<float>{1.f, 0.f, 2.f, 10.f}));
  q.axis = 2;  // only 2 channels there too, but shape [1,2,3] has 3
  EXPECT_THROW(dequantize(IntTensor({1, 2, 3}), q), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::kernels
