// The fast exact conv/FC paths against the oracle (reference::), on awkward shapes and
// operand encodings. Every path must give the oracle's integers bit for bit; a path may
// decline (return false), never approximate. Seeded, so failures reproduce.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/binary_conv.h"
#include "kernels/gemm_int.h"
#include "kernels/im2col.h"
#include "kernels/onednn_conv.h"
#include "kernels/ops.h"

namespace qasim::kernels {
namespace {

using Rng = std::mt19937_64;

int64_t uniform_int(Rng& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// Operand description: width, sign, zero points; binary draws only -1/+1.
struct Operand {
  int bits = 8;
  bool is_signed = false;
  bool binary = false;
  int32_t zp = 0;
  std::vector<int32_t> channel_zps;  // weights only: per output channel

  QuantParams params() const {
    QuantParams q;
    if (binary) {
      q = QuantParams::binary({1.f});
    } else {
      q = QuantParams::uniform(bits, is_signed, 0.5f, zp);
    }
    if (!channel_zps.empty()) {
      q.scale.assign(channel_zps.size(), 0.5f);
      q.zero_point = channel_zps;
    }
    return q;
  }
  int64_t lo() const { return binary ? -1 : is_signed ? -(int64_t{1} << (bits - 1)) : 0; }
  int64_t hi() const {
    return binary ? 1 : is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
  }
  std::string str() const {
    if (binary) return "bin";
    return fmt::format("{}{}zp{}{}", is_signed ? "s" : "u", bits, zp,
                       channel_zps.empty() ? "" : "/ch");
  }
};

IntTensor random_tensor(Rng& rng, Dims dims, const Operand& op) {
  IntTensor t(std::move(dims));
  for (auto& v : t.values())
    v = op.binary ? (uniform_int(rng, 0, 1) ? 1 : -1)
                  : static_cast<int32_t>(uniform_int(rng, op.lo(), op.hi()));
  return t;
}

Operand random_operand(Rng& rng, bool allow_binary) {
  Operand op;
  if (allow_binary && uniform_int(rng, 0, 5) == 0) {
    op.binary = true;
    return op;
  }
  op.bits = static_cast<int>(uniform_int(rng, 1, 16));
  op.is_signed = uniform_int(rng, 0, 1) == 1;
  if (uniform_int(rng, 0, 1)) op.zp = static_cast<int32_t>(uniform_int(rng, op.lo(), op.hi()));
  return op;
}

struct ConvCase {
  int64_t n, c, h, w, oc;
  ConvGeometry g;
  Operand x, wt;
  bool bias;
  std::string str() const {
    return fmt::format("n{} c{} {}x{} oc{} k{}x{} s{},{} d{},{} p{},{},{},{} g{} x:{} w:{} bias{}",
                       n, c, h, w, oc, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.dilation_h,
                       g.dilation_w, g.pad_top, g.pad_left, g.pad_bottom, g.pad_right, g.groups,
                       x.str(), wt.str(), bias);
  }
};

ConvGeometry geometry(int k, int stride, int pad, int groups = 1, int dilation = 1) {
  ConvGeometry g;
  g.kernel_h = g.kernel_w = k;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  g.dilation_h = g.dilation_w = dilation;
  g.groups = groups;
  return g;
}

// Runs the dispatcher and every path that accepts the case against the oracle.
void check_conv(const ConvCase& cc, uint64_t seed) {
  SCOPED_TRACE(cc.str() + fmt::format(" seed {}", seed));
  Rng rng(seed);
  Operand wop = cc.wt;
  if (!wop.channel_zps.empty()) {
    wop.channel_zps.resize(static_cast<size_t>(cc.oc));
    for (int32_t& z : wop.channel_zps)
      z = static_cast<int32_t>(uniform_int(rng, wop.lo(), wop.hi()));
  }
  const IntTensor x = random_tensor(rng, {cc.n, cc.c, cc.h, cc.w}, cc.x);
  const IntTensor w =
      random_tensor(rng, {cc.oc, cc.c / cc.g.groups, cc.g.kernel_h, cc.g.kernel_w}, wop);
  std::vector<int32_t> bias;
  if (cc.bias)
    for (int64_t i = 0; i < cc.oc; ++i)
      bias.push_back(static_cast<int32_t>(uniform_int(rng, -1 << 20, 1 << 20)));
  const QuantParams xq = cc.x.params(), wq = wop.params();
  const AccTensor expected = reference::conv2d_accumulate(x, xq, w, wq, bias, cc.g);
  EXPECT_EQ(conv2d_accumulate(x, xq, w, wq, bias, cc.g), expected) << "dispatcher";

  const std::optional<ConvProblem> p = make_conv_problem(x, xq, w, wq, bias, cc.g);
  ASSERT_TRUE(p.has_value());
  AccTensor got(expected.dims(), -7);
  conv_via_gemm(*p, got);
  EXPECT_EQ(got, expected) << "gemm path";
  AccTensor dnn(expected.dims(), -7);
  if (onednn_conv(*p, dnn)) {
    EXPECT_EQ(dnn, expected) << "oneDNN path " << onednn_conv_impl(*p);
  }
  AccTensor bin(expected.dims(), -7);
  const bool took_binary = binary_conv(*p, bin);
  if (took_binary) {
    EXPECT_EQ(bin, expected) << "binary path";
  }
  if (cc.x.binary && cc.wt.binary) {
    EXPECT_TRUE(took_binary) << "binary path declined";
  }
}

Operand u8(int32_t zp = 0) {
  return {8, false, false, zp, {}};
}
Operand s8() {
  return {8, true, false, 0, {}};
}
Operand bin() {
  return {1, false, true, 0, {}};
}

TEST(FastPaths, NamedShapes) {
  const std::vector<ConvCase> cases = {
      {1, 64, 14, 14, 64, geometry(3, 1, 1), u8(), s8(), true},
      {1, 3, 32, 32, 64, geometry(7, 2, 3), u8(128), s8(), true},  // ResNet stem
      {2, 64, 9, 9, 128, geometry(1, 2, 0), u8(3), s8(), false},   // downsample 1x1 s2
      {1, 65, 11, 13, 17, geometry(3, 3, 2), u8(200), s8(), true},
      {1, 129, 7, 7, 33, geometry(3, 2, 1), s8(), s8(), false},
      {2, 32, 10, 10, 32, geometry(3, 1, 1, 32), u8(7), s8(), true},    // depthwise
      {1, 48, 9, 9, 96, geometry(3, 2, 1, 48), u8(0), s8(), true},      // depthwise x2
      {1, 36, 12, 12, 24, geometry(3, 1, 2, 3, 2), u8(9), s8(), true},  // groups, dilation
      {1, 16, 20, 20, 8, geometry(7, 1, 3), s8(), s8(), false},
      {3, 70, 8, 8, 70, geometry(3, 1, 1), bin(), bin(), true},
      {1, 64, 14, 14, 64, geometry(3, 1, 1), bin(), bin(), false},
      {1, 130, 9, 17, 19, geometry(3, 2, 1), bin(), bin(), true},
      {1, 20, 9, 9, 12, geometry(5, 3, 2, 4, 2), bin(), bin(), false},
      {1, 64, 6, 6, 16, geometry(3, 1, 1), u8(5), bin(), true},  // binary weights, u8 x
  };
  uint64_t seed = 1;
  for (const ConvCase& cc : cases) check_conv(cc, seed++);
}

TEST(FastPaths, AsymmetricPaddingAndStrides) {
  ConvGeometry g = geometry(3, 2, 0);
  g.pad_top = 2, g.pad_left = 0, g.pad_bottom = 1, g.pad_right = 3;
  g.stride_h = 3;
  for (const Operand& xo : {u8(11), s8(), bin()})
    check_conv({2, 19, 13, 10, 21, g, xo, xo.binary ? bin() : s8(), true}, 77);
}

TEST(FastPaths, PerChannelWeightZeroPoints) {
  for (int bits : {4, 8, 12}) {
    Operand w{bits, false, false, 3, {0}};  // check_conv draws one zero point per channel
    Operand x{8, false, false, 17, {}};
    check_conv({1, 24, 9, 9, 10, geometry(3, 1, 1), x, w, true}, 100 + bits);
    check_conv({1, 24, 9, 9, 24, geometry(3, 2, 1, 24), x, w, true}, 200 + bits);
  }
}

TEST(FastPaths, RandomShapesAndWidths) {
  Rng rng(2024);
  for (int i = 0; i < 400; ++i) {
    ConvCase cc;
    const int groups_kind = static_cast<int>(uniform_int(rng, 0, 3));
    const int64_t groups = groups_kind == 0 ? 1 : groups_kind == 1 ? uniform_int(rng, 2, 4) : 0;
    const int64_t cg = uniform_int(rng, 1, 70);
    cc.c = groups == 0 ? cg : cg * groups;
    cc.g.groups = static_cast<int>(groups == 0 ? cc.c : groups);  // 0: depthwise
    cc.oc = cc.g.groups * uniform_int(rng, 1, groups == 0 ? 2 : 24);
    cc.n = uniform_int(rng, 1, 3);
    cc.g.kernel_h = static_cast<int>(uniform_int(rng, 1, 5));
    cc.g.kernel_w = static_cast<int>(uniform_int(rng, 1, 5));
    cc.g.stride_h = static_cast<int>(uniform_int(rng, 1, 3));
    cc.g.stride_w = static_cast<int>(uniform_int(rng, 1, 3));
    cc.g.dilation_h = static_cast<int>(uniform_int(rng, 1, 2));
    cc.g.dilation_w = static_cast<int>(uniform_int(rng, 1, 2));
    cc.g.pad_top = static_cast<int>(uniform_int(rng, 0, 3));
    cc.g.pad_left = static_cast<int>(uniform_int(rng, 0, 3));
    cc.g.pad_bottom = static_cast<int>(uniform_int(rng, 0, 3));
    cc.g.pad_right = static_cast<int>(uniform_int(rng, 0, 3));
    const int64_t span_h = (cc.g.kernel_h - 1) * cc.g.dilation_h + 1;
    const int64_t span_w = (cc.g.kernel_w - 1) * cc.g.dilation_w + 1;
    cc.h = std::max<int64_t>(1, span_h - cc.g.pad_top - cc.g.pad_bottom) + uniform_int(rng, 0, 20);
    cc.w = std::max<int64_t>(1, span_w - cc.g.pad_left - cc.g.pad_right) + uniform_int(rng, 0, 20);
    cc.x = random_operand(rng, true);
    cc.wt = cc.x.binary ? bin() : random_operand(rng, false);
    if (!cc.wt.binary && uniform_int(rng, 0, 3) == 0) cc.wt.channel_zps = {0};
    cc.bias = uniform_int(rng, 0, 1) == 1;
    check_conv(cc, 1000 + static_cast<uint64_t>(i));
  }
}

TEST(FastPaths, ExtremeValuesStayExact) {
  // Sums past 2^24 (where a float round trip loses bits) and near the int32 limit of the
  // 8-bit paths, and full-range 16-bit products that need int64 partial sums.
  struct Extreme {
    int64_t c;
    Operand x, w;
    int32_t xv, wv;
  };
  const std::vector<Extreme> extremes = {
      {512, u8(), s8(), 255, -128},
      {512, s8(), s8(), -128, -128},
      {64, {16, true, false, 0, {}}, {16, true, false, 0, {}}, -32768, -32768},
      {64, {16, false, false, 1, {}}, {16, true, false, 0, {}}, 65535, -32768},
  };
  for (const Extreme& e : extremes) {
    SCOPED_TRACE(e.x.str() + " " + e.w.str());
    const ConvGeometry g = geometry(3, 1, 1);
    IntTensor x({1, e.c, 6, 6}, e.xv), w({8, e.c, 3, 3}, e.wv);
    x[5] = e.xv > 0 ? e.xv - 1 : e.xv + 1;  // odd totals: no float rounding hides a bit
    const QuantParams xq = e.x.params(), wq = e.w.params();
    EXPECT_EQ(conv2d_accumulate(x, xq, w, wq, {}, g),
              reference::conv2d_accumulate(x, xq, w, wq, {}, g));
  }
}

TEST(FastPaths, WideOperandsTakeTheInt64Path) {
  // Power-of-two weights up to 2^30 and codebook values beyond 16 bits: int32 storage,
  // int64 products.
  Rng rng(17);
  QuantParams pow2;
  pow2.scheme = Scheme::PowerOfTwo;
  pow2.bits = 6;
  IntTensor w({6, 10, 3, 3});
  for (auto& v : w.values()) {
    const int64_t e = uniform_int(rng, -1, 30);
    v = e < 0 ? 0 : (uniform_int(rng, 0, 1) ? 1 : -1) * (int32_t{1} << e);
  }
  QuantParams codebook;
  codebook.scheme = Scheme::Codebook;
  codebook.bits = 2;
  codebook.codebook = {-100000, 3, 70000};
  IntTensor x({2, 10, 7, 7});
  for (auto& v : x.values()) v = codebook.codebook[static_cast<size_t>(uniform_int(rng, 0, 2))];
  const ConvGeometry g = geometry(3, 2, 1);
  EXPECT_EQ(conv2d_accumulate(x, codebook, w, pow2, {}, g),
            reference::conv2d_accumulate(x, codebook, w, pow2, {}, g));
  EXPECT_EQ(conv2d_accumulate(x, u8().params(), w, pow2, {5, 6, 7, 8, 9, 10}, g),
            reference::conv2d_accumulate(x, u8().params(), w, pow2, {5, 6, 7, 8, 9, 10}, g));
}

TEST(FastPaths, BinaryDeclaredButNotPlusMinusOne) {
  // A 0 in a binary tensor is outside the scheme; the dispatcher still must be exact.
  const ConvGeometry g = geometry(3, 1, 1);
  Rng rng(5);
  IntTensor x = random_tensor(rng, {1, 8, 5, 5}, bin());
  const IntTensor w = random_tensor(rng, {4, 8, 3, 3}, bin());
  x[3] = 0;
  const QuantParams q = QuantParams::binary({1.f});
  EXPECT_EQ(conv2d_accumulate(x, q, w, q, {}, g), reference::conv2d_accumulate(x, q, w, q, {}, g));
  // The binary path itself must decline (the dispatcher may not have asked it first).
  AccTensor out({1, 4, 5, 5});
  EXPECT_FALSE(binary_conv(*make_conv_problem(x, q, w, q, {}, g), out));
  IntTensor w0 = w;
  w0[7] = 2;
  const IntTensor x_ok = random_tensor(rng, {1, 8, 5, 5}, bin());
  EXPECT_FALSE(binary_conv(*make_conv_problem(x_ok, q, w0, q, {}, g), out));
  EXPECT_EQ(conv2d_accumulate(x_ok, q, w0, q, {}, g),
            reference::conv2d_accumulate(x_ok, q, w0, q, {}, g));
}

TEST(FastPaths, WeightsChangedInPlaceAreNotServedStale) {
  // The paths cache packed weights by address; the same tensor edited in place (one
  // element, the last) must be seen, on every path.
  const ConvGeometry g = geometry(3, 1, 1);
  for (const Operand& op : {s8(), bin(), Operand{12, true, false, 0, {}}}) {
    SCOPED_TRACE(op.str());
    Rng rng(9);
    const IntTensor x = random_tensor(rng, {1, 32, 8, 8}, op.binary ? bin() : u8());
    const QuantParams xq = op.binary ? bin().params() : u8().params(), wq = op.params();
    IntTensor w = random_tensor(rng, {16, 32, 3, 3}, op);
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(conv2d_accumulate(x, xq, w, wq, {}, g),
                reference::conv2d_accumulate(x, xq, w, wq, {}, g));
      w[w.size() - 1] = -w[w.size() - 1];
    }
  }
}

TEST(FastPaths, FullyConnected) {
  Rng rng(31);
  for (int i = 0; i < 60; ++i) {
    const int64_t n = uniform_int(rng, 1, 5), k = uniform_int(rng, 1, 600);
    const int64_t oc = uniform_int(rng, 1, 40);
    const Operand xo = random_operand(rng, true);
    Operand wo = xo.binary ? bin() : random_operand(rng, false);
    if (!wo.binary && i % 4 == 0) wo.channel_zps.assign(static_cast<size_t>(oc), wo.zp);
    SCOPED_TRACE(fmt::format("fc n{} k{} oc{} x:{} w:{}", n, k, oc, xo.str(), wo.str()));
    const IntTensor x = random_tensor(rng, {n, k}, xo), w = random_tensor(rng, {oc, k}, wo);
    std::vector<int32_t> bias;
    if (i % 2)
      for (int64_t j = 0; j < oc; ++j)
        bias.push_back(static_cast<int32_t>(uniform_int(rng, -999, 999)));
    EXPECT_EQ(fc_accumulate(x, xo.params(), w, wo.params(), bias),
              reference::fc_accumulate(x, xo.params(), w, wo.params(), bias));
  }
}

TEST(FastPaths, OnednnTakesExactInt8Cases) {
  if (!onednn_available()) GTEST_SKIP() << "no oneDNN, or no VNNI/AMX on this CPU";
  // A cap below VNNI (run to exercise the fallbacks) rightly makes the policy refuse.
  if (std::getenv("ONEDNN_MAX_CPU_ISA") || std::getenv("DNNL_MAX_CPU_ISA"))
    GTEST_SKIP() << "oneDNN's ISA is capped by the environment";
  Rng rng(3);
  const ConvGeometry g = geometry(3, 1, 1);
  const IntTensor x = random_tensor(rng, {1, 64, 14, 14}, u8()),
                  w = random_tensor(rng, {64, 64, 3, 3}, s8());
  const std::optional<ConvProblem> p = make_conv_problem(x, u8().params(), w, s8().params(), {}, g);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(onednn_conv_impl(*p).empty()) << "the exactness policy refused a plain u8 x s8 conv";
}

TEST(FastPaths, EmptyAndInvalidInputsBehaveLikeTheOracle) {
  const ConvGeometry g = geometry(3, 1, 1);
  const QuantParams xq = u8().params(), wq = s8().params();
  const IntTensor w({4, 8, 3, 3}, 1);
  const IntTensor empty_batch({0, 8, 5, 5});
  EXPECT_EQ(conv2d_accumulate(empty_batch, xq, w, wq, {}, g),
            reference::conv2d_accumulate(empty_batch, xq, w, wq, {}, g));
  const IntTensor x({1, 8, 5, 5}, 3);
  const IntTensor wrong({4, 7, 3, 3}, 1);
  EXPECT_THROW(conv2d_accumulate(x, xq, wrong, wq, {}, g), std::invalid_argument);
  EXPECT_THROW(conv2d_accumulate(x, xq, w, wq, {1, 2}, g), std::invalid_argument);
  QuantParams per_channel_x = xq;
  per_channel_x.scale = {1.f, 1.f};
  per_channel_x.zero_point = {0, 1};  // the oracle's rule: one activation zero point
  EXPECT_THROW(conv2d_accumulate(x, per_channel_x, w, wq, {}, g), std::invalid_argument);
  const IntTensor fx({0, 8}), fw({3, 8}, 2);
  EXPECT_EQ(fc_accumulate(fx, xq, fw, wq, {}), reference::fc_accumulate(fx, xq, fw, wq, {}));
  EXPECT_THROW(fc_accumulate(IntTensor({2, 7}), xq, fw, wq, {}), std::invalid_argument);
}

template <typename TA, typename TB>
void check_gemm(int64_t m, int64_t n, int64_t k, int64_t a_lo, int64_t a_hi, int64_t b_lo,
                int64_t b_hi, uint64_t seed) {
  SCOPED_TRACE(fmt::format("gemm {}x{}x{} a[{},{}] b[{},{}]", m, n, k, a_lo, a_hi, b_lo, b_hi));
  Rng rng(seed);
  const int64_t ks = gemm_k_stride(k);
  std::vector<TA> a(static_cast<size_t>(m * ks), 0);
  std::vector<TB> b(static_cast<size_t>(n * ks), 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j) a[i * ks + j] = static_cast<TA>(uniform_int(rng, a_lo, a_hi));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j) b[i * ks + j] = static_cast<TB>(uniform_int(rng, b_lo, b_hi));
  // Transposed output layout (ldc_m = 1) as the FC path would use.
  std::vector<int64_t> c(static_cast<size_t>(m * n), -1);
  gemm_int<TA, TB>({m, n, k, 1, m}, a.data(), b.data(), c.data(), std::max(-a_lo, a_hi),
                   std::max(-b_lo, b_hi));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t sum = 0;
      for (int64_t l = 0; l < k; ++l) sum += int64_t{a[i * ks + l]} * b[j * ks + l];
      ASSERT_EQ(c[j * m + i], sum) << i << "," << j;
    }
}

TEST(FastPaths, GemmIntAllElementTypesAndChunks) {
  check_gemm<int8_t, uint8_t>(7, 9, 1, -128, 127, 0, 255, 1);
  check_gemm<int8_t, uint8_t>(33, 70, 777, -128, 127, 0, 255, 2);
  check_gemm<int16_t, int16_t>(17, 5, 2000, -2048, 2047, -2048, 2047, 3);     // chunked int32
  check_gemm<int16_t, int16_t>(6, 19, 300, -32768, 32767, -32768, 32767, 4);  // int64 sums
  check_gemm<int32_t, int32_t>(5, 6, 129, -100000, 100000, -70000, 3, 5);
}

TEST(FastPaths, EncodingShiftsOnlyWhenNeeded) {
  GemmEncoding e;
  ASSERT_TRUE(encode_for_gemm(0, 255, GemmElem::U8, &e));
  EXPECT_EQ(e.offset, 0);
  ASSERT_TRUE(encode_for_gemm(-128, 127, GemmElem::U8, &e));
  EXPECT_EQ(e.offset, -128);
  ASSERT_TRUE(encode_for_gemm(0, 65535, GemmElem::I16, &e));
  EXPECT_EQ(e.offset, 32768);
  EXPECT_EQ(e.max_abs, 32768);
  EXPECT_FALSE(encode_for_gemm(-1, 255, GemmElem::S8, &e));
  EXPECT_EQ(gemm_int32_chunk(128, 255) % 64, 0);
  EXPECT_EQ(gemm_int32_chunk(32768, 32768), 0);
}

}  // namespace
}  // namespace qasim::kernels
