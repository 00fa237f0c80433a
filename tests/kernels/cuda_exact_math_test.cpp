// The per-element arithmetic of the CUDA exact-inference kernels (kernels/cuda/exact_math.h),
// compiled here by the host compiler: dp4a-style byte dot products against plain products,
// XNOR/popcount against ±1 products, and overflow/requantization against the golden
// reference's own apply_overflow and fixed_point::requantize (independent host code) on
// random and boundary values. The GPU instructions these functions pick under __CUDA_ARCH__
// are checked by tests/gpu (on a machine with a GPU).
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "kernels/cuda/exact_math.h"
#include "kernels/fixed_point.h"
#include "kernels/ops.h"

namespace qasim::kernels::cuda {
namespace {

namespace fp = fixed_point;

uint32_t pack4(const int (&v)[4]) {
  uint32_t word = 0;
  for (int i = 0; i < 4; ++i) word |= static_cast<uint32_t>(v[i] & 0xff) << (8 * i);
  return word;
}

TEST(CudaExactMath, Dot4SignedIsTheSumOfByteProducts) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> s8(-128, 127);
  for (int trial = 0; trial < 20000; ++trial) {
    int a[4], b[4];
    int32_t expect = trial - 10000;
    const int32_t acc = expect;
    for (int i = 0; i < 4; ++i) {
      a[i] = s8(rng), b[i] = s8(rng);
      expect += a[i] * b[i];
    }
    ASSERT_EQ(dot4_s8s8(pack4(a), pack4(b), acc), expect);
  }
  // The extremes: 4 * (-128)^2.
  const int m[4] = {-128, -128, -128, -128};
  EXPECT_EQ(dot4_s8s8(pack4(m), pack4(m), 0), 4 * 16384);
}

TEST(CudaExactMath, Dot4UnsignedTimesSignedIsTheSumOfByteProducts) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127);
  for (int trial = 0; trial < 20000; ++trial) {
    int a[4], b[4];
    int32_t expect = 7 * trial;
    const int32_t acc = expect;
    for (int i = 0; i < 4; ++i) {
      a[i] = u8(rng), b[i] = s8(rng);
      expect += a[i] * b[i];
    }
    ASSERT_EQ(dot4_u8s8(pack4(a), pack4(b), acc), expect);
  }
  const int a[4] = {255, 255, 0, 1}, b[4] = {-128, 127, -5, -1};
  EXPECT_EQ(dot4_u8s8(pack4(a), pack4(b), 3), 255 * -128 + 255 * 127 - 1 + 3);
}

TEST(CudaExactMath, XnorDotIsTheSumOfPlusMinusOneProducts) {
  std::mt19937_64 rng(3);
  for (int bits : {1, 7, 32, 63, 64}) {
    for (int trial = 0; trial < 2000; ++trial) {
      const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
      const uint64_t x = rng() & mask, w = rng() & mask;
      int32_t expect = 0;
      for (int i = 0; i < bits; ++i) {
        const int xv = (x >> i) & 1 ? -1 : 1, wv = (w >> i) & 1 ? -1 : 1;
        expect += xv * wv;
      }
      ASSERT_EQ(xnor_dot(x, w, bits), expect) << bits;
    }
  }
}

TEST(CudaExactMath, OverflowMatchesTheGoldenReference) {
  std::mt19937_64 rng(4);
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min(),
                                 32767,
                                 32768,
                                 -32768,
                                 -32769,
                                 2147483647,
                                 2147483648LL,
                                 -2147483649LL};
  for (int i = 0; i < 2000; ++i) values.push_back(static_cast<int64_t>(rng()) >> (rng() % 60));
  for (int bits : {2, 8, 16, 17, 24, 32, 48, 63, 64})
    for (Overflow o : {Overflow::Wrap, Overflow::Saturate}) {
      AccTensor golden({static_cast<int64_t>(values.size())}, values);
      apply_overflow(golden, {bits, o});
      for (size_t i = 0; i < values.size(); ++i)
        ASSERT_EQ(overflow_one(values[i], bits, o == Overflow::Wrap), golden[i])
            << values[i] << " bits " << bits;
    }
}

// Requantization of one accumulator in each mode, against fixed_point::requantize with the
// multiplier fixed_point::make_multiplier derives (as Requantizer does).
TEST(CudaExactMath, RequantizeMatchesTheGoldenReference) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> log_m(-20.0, 3.0);
  std::vector<int64_t> accs = {0,
                               1,
                               -1,
                               2,
                               -2,
                               3,
                               1 << 20,
                               -(1 << 20),
                               2147483647LL,
                               -2147483648LL,
                               4294967296LL,
                               -4294967296LL,
                               std::numeric_limits<int64_t>::max() / 4};
  for (int i = 0; i < 400; ++i) accs.push_back(static_cast<int64_t>(rng()) >> (rng() % 63));
  for (RequantMode mode : {RequantMode::OnnxFloat, RequantMode::Gemmlowp, RequantMode::MulShift})
    for (int bits : {8, 16}) {
      Numerics numerics;
      numerics.requant = mode;
      numerics.mulshift_bits = bits;
      for (int trial = 0; trial < 60; ++trial) {
        const double real = std::exp2(log_m(rng));
        // Half-integer products in OnnxFloat mode: M = 0.5 and even/odd accumulators.
        const double m_real = trial == 0 ? 0.5 : real;
        const fp::Multiplier m = fp::make_multiplier(numerics, static_cast<float>(m_real), m_real);
        ChannelMultiplier cm;
        cm.onnx = m.onnx;
        if (mode == RequantMode::Gemmlowp) cm.fixed = m.q31.m0, cm.shift = m.q31.right_shift;
        if (mode == RequantMode::MulShift) cm.fixed = m.mulshift.m, cm.shift = m.mulshift.shift;
        RequantSpec spec;
        spec.kind = static_cast<RequantKind>(static_cast<int32_t>(mode));
        spec.zero_point = trial % 3 == 0 ? 0 : static_cast<int32_t>(rng() % 200) - 100;
        spec.lo = trial % 2 ? -128 : 0;
        spec.hi = trial % 2 ? 127 : 255;
        for (int64_t acc : accs)
          ASSERT_EQ(requantize_one(spec, cm, acc),
                    fp::requantize(mode, m, acc, spec.zero_point, spec.lo, spec.hi))
              << "mode " << to_string(mode) << " M " << m_real << " acc " << acc;
      }
    }
}

TEST(CudaExactMath, BinaryOutputIsTheSignWithSignOfZeroPlusOne) {
  RequantSpec spec;
  spec.binary = true;
  const ChannelMultiplier m{};
  EXPECT_EQ(requantize_one(spec, m, 0), 1);
  EXPECT_EQ(requantize_one(spec, m, 5), 1);
  EXPECT_EQ(requantize_one(spec, m, -1), -1);
  EXPECT_EQ(binary_sign(0), requantize_one(spec, m, 0));
}

}  // namespace
}  // namespace qasim::kernels::cuda
