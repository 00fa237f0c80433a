// Requantization, overflow and activation bounds. Expected values are hand-derived from the
// definitions, taken from ONNX's own node test vectors, or computed by exact 128-bit
// re-implementations of the gemmlowp and mult-shift definitions written independently of
// kernels/fixed_point.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/fixed_point.h"
#include "kernels/ops.h"

namespace qasim::kernels {
namespace {

namespace fp = fixed_point;
using i128 = __int128;
constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int64_t kMax32 = std::numeric_limits<int32_t>::max();

// floor(n / d) for d > 0, exact.
i128 floor_div(i128 n, i128 d) {
  i128 q = n / d;
  if ((n % d != 0) && (n < 0)) --q;
  return q;
}

// gemmlowp's doubling high multiply by its definition: a*b/2^31 to nearest, ties up
// (VQRDMULH: (2ab + 2^31) >> 32), saturating the single overflow case.
int64_t oracle_srdhm(int64_t a, int64_t b) {
  if (a == kMin32 && b == kMin32) return kMax32;
  return static_cast<int64_t>(floor_div(i128{2} * a * b + (i128{1} << 31), i128{1} << 32));
}

// Division by 2^e rounding to nearest, ties away from zero.
int64_t oracle_rdbpot(int64_t x, int e) {
  if (e == 0) return x;
  const int64_t magnitude = (std::llabs(x) + (int64_t{1} << (e - 1))) >> e;
  return x < 0 ? -magnitude : magnitude;
}

// M = m0 * 2^(exp - 31) with m0 in [2^30, 2^31), found by scaling instead of frexp.
struct OracleQ31 {
  int64_t m0;
  int exp;
};
OracleQ31 oracle_q31(long double m) {
  int exp = 0;
  while (m >= std::ldexp(1.0L, exp)) ++exp;
  while (m < std::ldexp(1.0L, exp - 1)) --exp;
  auto m0 = static_cast<int64_t>(std::floor(std::ldexp(m, 31 - exp) + 0.5L));
  if (m0 == (int64_t{1} << 31)) {
    m0 /= 2;
    ++exp;
  }
  return {m0, exp};
}

int64_t oracle_gemmlowp(int64_t acc, long double m) {
  const OracleQ31 q = oracle_q31(m);
  const int64_t x = std::clamp(acc, kMin32, kMax32);
  const int64_t shifted = std::clamp(x * (int64_t{1} << std::max(q.exp, 0)), kMin32, kMax32);
  return oracle_rdbpot(oracle_srdhm(shifted, q.m0), std::max(-q.exp, 0));
}

// floor(acc * m / 2^s + 1/2), exact.
int64_t oracle_mulshift(int64_t acc, int64_t m, int s) {
  const i128 num = i128{2} * acc * m + (i128{1} << s);
  return static_cast<int64_t>(floor_div(num, i128{1} << (s + 1)));
}

QuantParams out_u8(float scale, int32_t zp) {
  return QuantParams::uniform(8, false, scale, zp);
}

Numerics mode(RequantMode m, int mulshift_bits = 16) {
  Numerics n;
  n.requant = m;
  n.mulshift_bits = mulshift_bits;
  return n;
}

// ---------------- gemmlowp primitives ----------------

TEST(GemmlowpPrimitives, DoublingHighMulMatchesDefinition) {
  std::vector<int64_t> bs = {kMin32, kMin32 + 1, -(1 << 30),    -3,         -1,         0,     1,
                             3,      1 << 30,    (1 << 30) + 1, 1518500250, 2013265920, kMax32};
  std::mt19937 rng(7);
  for (int i = 0; i < 16; ++i) bs.push_back(static_cast<int32_t>(rng()));
  std::vector<int64_t> as;
  for (int64_t a = -32768; a <= 32767; ++a) as.push_back(a);
  for (int64_t a : {kMin32, kMin32 + 1, kMax32, kMax32 - 1, int64_t{1} << 30}) as.push_back(a);
  for (int64_t b : bs)
    for (int64_t a : as)
      ASSERT_EQ(fp::saturating_rounding_doubling_high_mul(static_cast<int32_t>(a),
                                                          static_cast<int32_t>(b)),
                oracle_srdhm(a, b))
          << a << " * " << b;
}

TEST(GemmlowpPrimitives, RoundingDivideByPotMatchesDefinition) {
  std::vector<int64_t> xs;
  for (int64_t x = -70000; x <= 70000; ++x) xs.push_back(x);
  for (int64_t x : {kMin32, kMin32 + 1, kMax32, kMax32 - 1}) xs.push_back(x);
  for (int e = 0; e <= 31; ++e)
    for (int64_t x : xs)
      ASSERT_EQ(fp::rounding_divide_by_pot(static_cast<int32_t>(x), e), oracle_rdbpot(x, e))
          << x << " / 2^" << e;
}

TEST(GemmlowpPrimitives, HandDerivedRounding) {
  // 0.5 * 2^31: ties go up in the high multiply...
  EXPECT_EQ(fp::saturating_rounding_doubling_high_mul(1, 1 << 30), 1);
  EXPECT_EQ(fp::saturating_rounding_doubling_high_mul(-1, 1 << 30), 0);
  EXPECT_EQ(fp::saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);
  // ...and away from zero in the shift.
  EXPECT_EQ(fp::rounding_divide_by_pot(5, 1), 3);
  EXPECT_EQ(fp::rounding_divide_by_pot(-5, 1), -3);
  EXPECT_EQ(fp::rounding_divide_by_pot(-4, 3), -1);
  EXPECT_EQ(fp::rounding_divide_by_pot(-3, 3), 0);
  EXPECT_EQ(fp::saturating_rounding_doubling_high_mul(kMin32, kMin32), kMax32);
}

TEST(GemmlowpPrimitives, QuantizeMultiplierIsNearestQ31) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> log2m(-40.0, 30.0);
  for (int i = 0; i < 20000; ++i) {
    const double m = std::exp2(log2m(rng));
    const fp::QuantizedMultiplier q = fp::quantize_multiplier(m);
    if (q.m0 == 0) {
      EXPECT_LT(m, std::ldexp(1.0, -32));
      continue;
    }
    ASSERT_GE(q.m0, 1 << 30);
    const long double represented = std::ldexp(static_cast<long double>(q.m0), -31 - q.right_shift);
    // Within half a unit of the Q31 mantissa's last place.
    EXPECT_LE(std::fabs(represented - m), std::ldexp(1.0L, -32 - q.right_shift)) << m;
    const OracleQ31 o = oracle_q31(m);
    EXPECT_EQ(q.m0, o.m0);
    EXPECT_EQ(q.right_shift, -o.exp);
  }
  EXPECT_THROW(fp::quantize_multiplier(0.0), std::invalid_argument);
  EXPECT_THROW(fp::quantize_multiplier(std::ldexp(1.0, 31)), std::invalid_argument);
}

// ---------------- Requantizer, gemmlowp ----------------

TEST(RequantGemmlowp, ExhaustiveAgainstIndependentImplementation) {
  // in_scale * w_scale / out_scale; includes M >= 1 (left shift) and exact powers of two.
  const std::vector<std::array<float, 3>> scales = {
      {1.f, 1.f, 2.f},       {1.f, 1.f, 4.f},   {0.02f, 0.003f, 0.05f},     {1.f, 1.f, 3.f},
      {0.5f, 0.75f, 0.25f},  {3.f, 1.25f, 1.f}, {1e-4f, 1e-3f, 0.7f},       {1.f, 0.9999f, 1.f},
      {0.1f, 0.1f, 0.0001f}, {1.f, 1.f, 1.f},   {0.0117f, 0.0042f, 0.0913f}};
  for (const auto& s : scales) {
    const Requantizer r(mode(RequantMode::Gemmlowp), s[0], {s[1]},
                        QuantParams::uniform(16, true, s[2], 0), static_cast<int32_t>(kMin32),
                        static_cast<int32_t>(kMax32));
    const long double m = static_cast<long double>(
        static_cast<double>(s[0]) * static_cast<double>(s[1]) / static_cast<double>(s[2]));
    for (int64_t acc = -(1 << 17); acc < (1 << 17); ++acc)
      ASSERT_EQ(r.apply(acc, 0), oracle_gemmlowp(acc, m)) << acc << " * " << static_cast<double>(m);
    // Beyond int32 the accumulator saturates first.
    EXPECT_EQ(r.apply(int64_t{1} << 40, 0), oracle_gemmlowp(kMax32, m));
    EXPECT_EQ(r.apply(-(int64_t{1} << 40), 0), oracle_gemmlowp(kMin32, m));
  }
}

TEST(RequantGemmlowp, DoubleRoundingIsPartOfTheContract) {
  // M = 0.25 = 2^30 * 2^-31 * 2^-1: the high multiply rounds 0.5 up to 1, then the shift
  // rounds 0.5 away from zero again, so 1 * 0.25 gives 1 (a single rounding would give 0).
  const Requantizer r(mode(RequantMode::Gemmlowp), 1.f, {1.f}, out_u8(4.f, 0), -1000, 1000);
  EXPECT_EQ(r.apply(1, 0), 1);
  EXPECT_EQ(r.apply(2, 0), 1);    // 0.5 -> 1
  EXPECT_EQ(r.apply(-2, 0), -1);  // -0.5 -> -1
  EXPECT_EQ(r.apply(10, 0), 3);   // 2.5 -> 3
  EXPECT_EQ(r.apply(-1, 0), 0);
}

// ---------------- Requantizer, mult-shift ----------------

TEST(RequantMulShift, MultiplierIsTheMostPreciseForItsWidth) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> log2m(-30.0, 12.0);
  for (int bits : {2, 4, 8, 12, 16, 24, 31})
    for (int i = 0; i < 3000; ++i) {
      const double m = std::exp2(log2m(rng));
      const fp::MulShiftMultiplier q = fp::mulshift_multiplier(m, bits);
      ASSERT_LT(q.m, int64_t{1} << bits);
      ASSERT_GE(q.m, int64_t{1} << (bits - 1)) << m << " bits " << bits;
      const long double err = std::fabs(std::ldexp(static_cast<long double>(q.m), -q.shift) - m);
      EXPECT_LE(err, std::ldexp(0.5L, -q.shift));  // nearest at this shift
      // One more shift bit would need a wider m.
      EXPECT_GE(std::floor(std::ldexp(static_cast<long double>(m), q.shift + 1) + 0.5L),
                std::ldexp(1.0L, bits));
    }
}

TEST(RequantMulShift, ExhaustiveAgainstExactRational) {
  const std::vector<std::array<float, 3>> scales = {
      {1.f, 1.f, 2.f},   {0.02f, 0.003f, 0.05f}, {1.f, 1.f, 3.f},
      {3.f, 1.25f, 1.f}, {1e-4f, 1e-3f, 0.7f},   {0.0117f, 0.0042f, 0.0913f}};
  for (int bits : {4, 8, 16, 31})
    for (const auto& s : scales) {
      const Requantizer r(mode(RequantMode::MulShift, bits), s[0], {s[1]},
                          QuantParams::uniform(16, true, s[2], 0), static_cast<int32_t>(kMin32),
                          static_cast<int32_t>(kMax32));
      const double m = static_cast<double>(s[0]) * static_cast<double>(s[1]) / s[2];
      const fp::MulShiftMultiplier q = fp::mulshift_multiplier(m, bits);
      for (int64_t acc = -(1 << 16); acc < (1 << 16); ++acc)
        ASSERT_EQ(r.apply(acc, 0), oracle_mulshift(acc, q.m, q.shift)) << acc;
      // Wide accumulators are not saturated: the product is exact.
      const int64_t big = int64_t{1} << 45;
      EXPECT_EQ(r.apply(big, 0), std::clamp(oracle_mulshift(big, q.m, q.shift), kMin32, kMax32));
    }
}

TEST(RequantMulShift, HandDerivedHalfUp) {
  // M = 0.5 with 16 bits: m = 32768, s = 16; y = (acc * 32768 + 32768) >> 16.
  const Requantizer r(mode(RequantMode::MulShift), 1.f, {1.f}, out_u8(2.f, 0), -1000, 1000);
  EXPECT_EQ(r.apply(1, 0), 1);    // 0.5 -> 1
  EXPECT_EQ(r.apply(-1, 0), 0);   // -0.5 -> 0 (towards +inf)
  EXPECT_EQ(r.apply(-3, 0), -1);  // -1.5 -> -1
  EXPECT_EQ(r.apply(5, 0), 3);    // 2.5 -> 3
  // M = 1/3 with 4 bits: 1/3 = 0.333.. -> m = round(1/3 * 2^5) = 11, s = 5 (11/32 = 0.34375).
  const Requantizer r4(mode(RequantMode::MulShift, 4), 1.f, {1.f}, out_u8(3.f, 0), -1000, 1000);
  EXPECT_EQ(r4.apply(32, 0), 11);
  EXPECT_EQ(r4.apply(100, 0), 34);  // 1100 / 32 = 34.375
}

// ---------------- Requantizer, ONNX ----------------

TEST(RequantOnnx, HalfToEvenTies) {
  const Requantizer r(mode(RequantMode::OnnxFloat), 1.f, {1.f}, out_u8(2.f, 0), -1000, 1000);
  EXPECT_EQ(r.apply(1, 0), 0);
  EXPECT_EQ(r.apply(3, 0), 2);
  EXPECT_EQ(r.apply(5, 0), 2);
  EXPECT_EQ(r.apply(-1, 0), 0);
  EXPECT_EQ(r.apply(-3, 0), -2);
  EXPECT_EQ(r.apply(-5, 0), -2);
}

TEST(RequantOnnx, ProductIsRoundedToFloat32LikeOnnxRuntime) {
  // Found with numpy: float32(989013) * float32(0x1.250c4ep-2) rounds to 283035.5 in float32
  // (then to even: 283036), while the float64 product 283035.4942... rounds to 283035.
  // ONNX Runtime's MlasRequantizeOutput multiplies in float32; we follow it.
  const float m = std::ldexp(float{0x1250c4e}, -26);
  ASSERT_EQ(m, 0x1.250c4ep-2f);
  const Requantizer r(mode(RequantMode::OnnxFloat), m, {1.f}, out_u8(1.f, 0), -(1 << 30), 1 << 30);
  EXPECT_EQ(r.apply(989013, 0), 283036);
}

TEST(RequantOnnx, SaturatesToTheClampRange) {
  const Requantizer r(mode(RequantMode::OnnxFloat), 0.5f, {0.5f}, out_u8(0.01f, 100), 0, 255);
  EXPECT_EQ(r.apply(int64_t{1} << 50, 0), 255);
  EXPECT_EQ(r.apply(-(int64_t{1} << 50), 0), 0);
  EXPECT_EQ(r.apply(0, 0), 100);
}

// ONNX node test test_qlinearconv (onnx/backend/test/case/node/qlinearconv.py): a 1x1
// convolution whose single weight 0 has zero point 255, so every accumulator is
// -255 * (x - 132).
TEST(RequantOnnx, QLinearConvNodeTestVector) {
  const std::vector<int32_t> x = {255, 174, 162, 25,  203, 168, 58,  15,  59,  237, 95,  129, 0,
                                  64,  56,  242, 153, 221, 168, 12,  166, 232, 178, 186, 195, 237,
                                  162, 237, 188, 39,  124, 77,  80,  102, 43,  127, 230, 21,  83,
                                  41,  40,  134, 255, 154, 92,  141, 42,  148, 247};
  const std::vector<int32_t> expected = {
      0,   81,  93,  230, 52,  87,  197, 240, 196, 18,  160, 126, 255, 191, 199, 13,  102,
      34,  87,  243, 89,  23,  77,  69,  60,  18,  93,  18,  67,  216, 131, 178, 175, 153,
      212, 128, 25,  234, 172, 214, 215, 121, 0,   101, 163, 114, 213, 107, 8};
  const QuantParams xq = out_u8(0.00369204697f, 132);
  const QuantParams wq = out_u8(0.00172794575f, 255);
  const QuantParams yq = out_u8(0.00162681262f, 123);
  ConvGeometry g;
  const AccTensor acc = reference::conv2d_accumulate(IntTensor({1, 1, 7, 7}, x), xq,
                                                     IntTensor({1, 1, 1, 1}, {0}), wq, {}, g);
  const auto [lo, hi] = activation_bounds(Activation::None, yq);
  const Requantizer r(mode(RequantMode::OnnxFloat), xq.scale[0], wq.scale, yq, lo, hi);
  EXPECT_EQ(r.apply(acc).values(), expected);
}

// ONNX node test test_qlinearmatmul_2D.
TEST(RequantOnnx, QLinearMatMulNodeTestVector) {
  const IntTensor a({2, 4}, {208, 236, 0, 238, 3, 214, 255, 29});
  // b is [4, 3]; fc takes weights [OC, K], i.e. b transposed.
  const IntTensor bt({3, 4}, {152, 60, 0, 127, 51, 26, 127, 254, 244, 255, 246, 247});
  const QuantParams aq = out_u8(0.0066f, 113), bq = out_u8(0.00705f, 114),
                    yq = out_u8(0.0107f, 118);
  const AccTensor acc = reference::fc_accumulate(a, aq, bt, bq, {});
  const Requantizer r(mode(RequantMode::OnnxFloat), aq.scale[0], bq.scale, yq, 0, 255);
  EXPECT_EQ(r.apply(acc).values(), (std::vector<int32_t>{168, 115, 255, 1, 66, 151}));
}

// ---------------- per channel, validation ----------------

TEST(Requantizer, PerChannelUsesAxisOne) {
  // [N=2, C=2, 2]: channel 0 multiplies by 1, channel 1 by 2 (w scales 1 and 2, out scale 1).
  const AccTensor acc({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  for (RequantMode m : {RequantMode::OnnxFloat, RequantMode::Gemmlowp, RequantMode::MulShift}) {
    const Requantizer r(mode(m), 1.f, {1.f, 2.f}, out_u8(1.f, 0), 0, 255);
    EXPECT_EQ(r.apply(acc).values(), (std::vector<int32_t>{1, 2, 6, 8, 5, 6, 14, 16}))
        << to_string(m);
  }
  const Requantizer r(mode(RequantMode::OnnxFloat), 1.f, {1.f, 2.f, 3.f}, out_u8(1.f, 0), 0, 255);
  EXPECT_THROW(r.apply(acc), std::invalid_argument);
}

TEST(Requantizer, RejectsInconsistentParameters) {
  const QuantParams out = out_u8(1.f, 0);
  EXPECT_THROW(Requantizer(mode(RequantMode::OnnxFloat), 1.f, {}, out, 0, 255),
               std::invalid_argument);
  EXPECT_THROW(Requantizer(mode(RequantMode::OnnxFloat), 1.f, {1.f}, out, 10, 5),
               std::invalid_argument);
  EXPECT_THROW(Requantizer(mode(RequantMode::OnnxFloat), 0.f, {1.f}, out, 0, 255),
               std::invalid_argument);
  EXPECT_THROW(Requantizer(mode(RequantMode::MulShift, 32), 1.f, {1.f}, out, 0, 255),
               std::invalid_argument);
  EXPECT_THROW(Requantizer(mode(RequantMode::OnnxFloat), 1.f, {1.f},
                           QuantParams::uniform_per_channel(8, {1.f, 2.f}), 0, 255),
               std::invalid_argument);
}

// ---------------- overflow ----------------

int64_t oracle_wrap(int64_t v, int bits) {
  const i128 modulus = i128{1} << bits;
  i128 r = ((i128{v} % modulus) + modulus) % modulus;
  if (r >= modulus / 2) r -= modulus;
  return static_cast<int64_t>(r);
}

TEST(Overflow, HandDerived16And24Bits) {
  AccTensor a16({6}, {32767, 32768, 65535, -32769, 100000, -32768});
  AccTensor s16 = a16;
  apply_overflow(a16, {16, Overflow::Wrap});
  apply_overflow(s16, {16, Overflow::Saturate});
  EXPECT_EQ(a16.values(), (std::vector<int64_t>{32767, -32768, -1, 32767, -31072, -32768}));
  EXPECT_EQ(s16.values(), (std::vector<int64_t>{32767, 32767, 32767, -32768, 32767, -32768}));

  const int64_t p23 = int64_t{1} << 23;
  AccTensor a24({5}, {p23 - 1, p23, (int64_t{1} << 24) + 5, -p23 - 1, -p23});
  AccTensor s24 = a24;
  apply_overflow(a24, {24, Overflow::Wrap});
  apply_overflow(s24, {24, Overflow::Saturate});
  EXPECT_EQ(a24.values(), (std::vector<int64_t>{p23 - 1, -p23, 5, p23 - 1, -p23}));
  EXPECT_EQ(s24.values(), (std::vector<int64_t>{p23 - 1, p23 - 1, p23 - 1, -p23, -p23}));
}

TEST(Overflow, WrapMatchesModularArithmeticAndIsOrderIndependent) {
  std::mt19937_64 rng(3);
  for (int bits : {16, 24, 32, 48}) {
    std::vector<int64_t> terms(5000);
    for (auto& t : terms) t = static_cast<int64_t>(rng() % 2000001) - 1000000;
    AccTensor acc({static_cast<int64_t>(terms.size())}, terms);
    apply_overflow(acc, {bits, Overflow::Wrap});
    int64_t exact = 0, wrapped_running = 0;
    for (size_t i = 0; i < terms.size(); ++i) {
      ASSERT_EQ(acc[static_cast<int64_t>(i)], oracle_wrap(terms[i], bits));
      exact += terms[i];
      // A hardware accumulator that wraps after every add ends where the wrapped sum does.
      AccTensor step({1}, {wrapped_running + terms[i]});
      apply_overflow(step, {bits, Overflow::Wrap});
      wrapped_running = step[0];
    }
    EXPECT_EQ(wrapped_running, oracle_wrap(exact, bits)) << bits;
    AccTensor sat({1}, {exact * 1000});
    apply_overflow(sat, {bits, Overflow::Saturate});
    const int64_t hi = (int64_t{1} << (bits - 1)) - 1;
    EXPECT_EQ(sat[0], std::clamp(exact * 1000, -hi - 1, hi));
  }
  AccTensor full({2}, {std::numeric_limits<int64_t>::max(), -5});
  apply_overflow(full, {64, Overflow::Wrap});
  EXPECT_EQ(full[0], std::numeric_limits<int64_t>::max());
  EXPECT_THROW(apply_overflow(full, {65, Overflow::Wrap}), std::invalid_argument);
}

// ---------------- activation bounds ----------------

TEST(ActivationBounds, HandDerived) {
  const QuantParams u8 = out_u8(0.05f, 10);
  EXPECT_EQ(activation_bounds(Activation::None, u8), std::make_pair(0, 255));
  EXPECT_EQ(activation_bounds(Activation::Relu, u8), std::make_pair(10, 255));
  EXPECT_EQ(activation_bounds(Activation::Relu6, u8), std::make_pair(10, 130));  // 6/0.05 = 120
  // Clip [-1, 2]: -1/0.05 = -20 -> -10, kept at 0; 2/0.05 = 40 -> 50.
  EXPECT_EQ(activation_bounds(Activation::Clip, u8, -1.f, 2.f), std::make_pair(0, 50));
  // Relu6 beyond the range stops at qmax.
  EXPECT_EQ(activation_bounds(Activation::Relu6, out_u8(0.01f, 128)), std::make_pair(128, 255));
  const QuantParams s8 = QuantParams::uniform(8, true, 0.1f, 0);
  EXPECT_EQ(activation_bounds(Activation::None, s8), std::make_pair(-128, 127));
  EXPECT_EQ(activation_bounds(Activation::Relu, s8), std::make_pair(0, 127));
  EXPECT_EQ(activation_bounds(Activation::Relu6, s8), std::make_pair(0, 60));
  // Clip [1.25, 1.75] at scale 0.5: 2.5 and 3.5 round half to even, to 2 and 4.
  EXPECT_EQ(
      activation_bounds(Activation::Clip, QuantParams::uniform(8, true, 0.5f, 0), 1.25f, 1.75f),
      std::make_pair(2, 4));
  EXPECT_THROW(activation_bounds(Activation::Clip, s8, 1.f, -1.f), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::kernels
