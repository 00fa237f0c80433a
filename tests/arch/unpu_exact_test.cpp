// Bit-exactness of the UNPU datapath: the LBPE arithmetic against plain dot products, and
// whole layers and networks against the golden reference at every weight precision 1..16.
#include <gtest/gtest.h>

#include <random>

#include "arch/unpu/lbpe.h"
#include "unpu_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::unpu {
namespace {

using testing::conv_geometry;
using testing::expect_bit_exact;
using testing::preset;
using testing::single_layer;

TEST(UnpuLbpe, LutHoldsEverySubsetSum) {
  const int64_t x[4] = {5, -7, 1000, -32768};
  const LutShape plain{3, 8, false, false}, full{3, 8, true, false}, half{4, 8, true, true};
  int64_t lut[8], signed_lut[8], half_lut[8];
  EXPECT_EQ(build_lut(x, plain, lut), 4);  // 8 entries - 0 - 3 single activations
  EXPECT_EQ(lut_build_adds(plain), 4);
  EXPECT_EQ(build_lut(x, full, signed_lut), lut_build_adds(full));
  EXPECT_EQ(build_lut(x, half, half_lut), lut_build_adds(half));
  for (unsigned idx = 0; idx < 8; ++idx) {
    int64_t sum = 0, signed_sum = 0;
    for (int i = 0; i < 3; ++i) {
      sum += (idx >> i & 1) ? x[i] : 0;
      signed_sum += (idx >> i & 1) ? x[i] : -x[i];
    }
    EXPECT_EQ(lut_lookup(lut, idx, plain), sum) << idx;
    EXPECT_EQ(lut_lookup(signed_lut, idx, full), signed_sum) << idx;
  }
  // The half LUT: 8 entries give all 16 signed sums of 4 activations.
  for (unsigned idx = 0; idx < 16; ++idx) {
    int64_t signed_sum = 0;
    for (int i = 0; i < 4; ++i) signed_sum += (idx >> i & 1) ? x[i] : -x[i];
    EXPECT_EQ(lut_lookup(half_lut, idx, half), signed_sum) << idx;
  }
}

TEST(UnpuLbpe, CodingOfEveryScheme) {
  EXPECT_EQ(weight_coding(kernels::QuantParams::binary({1.f})), (WeightCoding{1, true, true}));
  for (int b = 2; b <= 16; ++b)
    EXPECT_EQ(weight_coding(kernels::QuantParams::uniform(b, true, 1.f)),
              (WeightCoding{b, false, true}));
  EXPECT_EQ(weight_coding(kernels::QuantParams::uniform(8, false, 1.f, 128)),
            (WeightCoding{8, false, false}));
  EXPECT_EQ(weight_coding(kernels::QuantParams::ternary({1.f})), (WeightCoding{2, false, true}));
}

// The shift-add over planes of LUT entries equals the plain dot product, for every coding
// (half LUTs at one bit).
TEST(UnpuLbpe, LaneDotEqualsDotProductAtEveryPrecision) {
  std::mt19937 rng(11);
  const UnpuParams p = preset();
  for (int bits = 1; bits <= 16; ++bits) {
    const WeightCoding c{bits, bits == 1, true};
    const LutShape shape = lut_shape(p, c);
    const int groups = 7, L = shape.inputs;
    std::vector<int64_t> x(groups * L), luts(groups * shape.entries);
    std::vector<int32_t> w(groups * L);
    std::vector<uint8_t> index(static_cast<size_t>(bits * groups), 0);
    int64_t want = 0;
    for (int e = 0; e < groups * L; ++e) {
      x[e] = static_cast<int64_t>(rng() % 65536) - 32768;
      if (bits == 1) {
        w[e] = rng() % 2 ? 1 : -1;
      } else {
        const int64_t lo = -(int64_t{1} << (bits - 1));
        w[e] = static_cast<int32_t>(lo + static_cast<int64_t>(rng() % (uint64_t{1} << bits)));
      }
      want += x[e] * w[e];
      for (int b = 0; b < bits; ++b)
        index[static_cast<size_t>(b * groups + e / L)] |=
            static_cast<uint8_t>(weight_bit(w[e], b, c) << (e % L));
    }
    for (int g = 0; g < groups; ++g)
      build_lut(x.data() + g * L, shape, &luts[static_cast<size_t>(g * shape.entries)]);
    EXPECT_EQ(lane_dot(luts.data(), shape, groups, index.data(), groups, c), want) << bits;
  }
}

// Every weight precision, with a reduction (C*R*S = 5*3*3 = 45, 130*1*1) that is not a
// multiple of a LUT (3, or 4 at one bit) or a chunk, K not a multiple of the lanes, stride
// and padding; at 1 bit with full and half LUTs.
TEST(UnpuExact, EveryWeightPrecisionOnAwkwardConvs) {
  const UnpuParams p = preset();
  for (int bits = 1; bits <= 16; ++bits) {
    SCOPED_TRACE(bits);
    expect_bit_exact(single_layer(5, 9, 7, 11, conv_geometry(3, 2, 1), bits, 100 + bits), p, 2,
                     bits);
    expect_bit_exact(single_layer(130, 3, 4, 13, conv_geometry(1, 1, 0), bits, 200 + bits), p, 1,
                     bits);
  }
  UnpuParams full = p;
  full.binary_half_lut = false;
  expect_bit_exact(single_layer(5, 9, 7, 11, conv_geometry(3, 2, 1), 1, 99), full, 2, 1);
}

TEST(UnpuExact, GroupedDepthwiseDilatedAndFc) {
  const UnpuParams p = preset();
  for (int bits : {1, 3, 8, 13, 16}) {
    SCOPED_TRACE(bits);
    expect_bit_exact(single_layer(12, 8, 8, 18, conv_geometry(3, 1, 1, 3), bits, 1), p, 1, 2);
    expect_bit_exact(single_layer(10, 7, 9, 10, conv_geometry(3, 2, 1, 10), bits, 3), p, 2, 4);
    expect_bit_exact(single_layer(6, 9, 9, 5, conv_geometry(3, 1, 2, 1, 2), bits, 5), p, 1, 6);
    expect_bit_exact(single_layer(7, 5, 3, 29, {}, bits, 7, true), p, 3, 8);
  }
}

// Asymmetric (zero point) and unsigned weights take the sum(x) correction of the aggregation
// core; ternary weights run as 2-bit two's complement.
TEST(UnpuExact, WeightZeroPointsUnsignedAndTernary) {
  const UnpuParams p = preset();
  workloads::Graph g = single_layer(9, 6, 6, 7, conv_geometry(3, 1, 1), 8, 9);
  std::mt19937 rng(4);
  workloads::Layer& l = g.layers[1];
  l.weight_q = kernels::QuantParams::uniform(6, true, 0.01f, -5);
  l.weights = kernels::IntTensor(l.weights.dims(),
                                 testing::random_weights(l.weight_q, l.weights.size(), rng));
  expect_bit_exact(g, p, 1, 1);
  l.weight_q = kernels::QuantParams::uniform(7, false, 0.01f, 60);
  l.weights = kernels::IntTensor(l.weights.dims(),
                                 testing::random_weights(l.weight_q, l.weights.size(), rng));
  expect_bit_exact(g, p, 1, 2);
  l.weight_q = kernels::QuantParams::ternary(std::vector<float>(7, 0.02f));
  l.weights = kernels::IntTensor(l.weights.dims(),
                                 testing::random_weights(l.weight_q, l.weights.size(), rng));
  expect_bit_exact(g, p, 1, 3);
}

// Small memories force output-channel tiles and row stripes, or column stripes when one
// row does not fit; the values must not depend on the tiling.
TEST(UnpuExact, TiledLayer) {
  UnpuParams p = preset();
  p.weight_memory_kib = 1;
  p.feature_memory_kib = 8;
  const workloads::Graph g = single_layer(40, 12, 12, 30, conv_geometry(3, 1, 1), 7, 3);
  const Program rows = compile(g, p);
  EXPECT_GT(rows.layers[1].tiles.size(), 4u);
  EXPECT_EQ(rows.layers[1].col_step, 12);
  expect_bit_exact(g, p, 1, 5);
  // 1 KiB halves: one row's 3 x 12 inputs x 40 channels x 2 bytes (2880) do not fit, 3 x 4
  // inputs (2 output columns, 960 bytes) do.
  p.feature_memory_kib = 2;
  const Program cols = compile(g, p);
  EXPECT_EQ(cols.layers[1].row_step, 1);
  EXPECT_EQ(cols.layers[1].col_step, 2);
  expect_bit_exact(g, p, 2, 6);
}

// Runs zoo network `name` at small inputs with a different weight precision in every layer
// (1..16, binary at 1).
void expect_zoo_mixed_precision_exact(const std::string& name, int size, double width) {
  SCOPED_TRACE(name);
  workloads::ZooOptions o;
  o.input_height = o.input_width = size;
  o.width_multiplier = width;
  const workloads::Graph shape = workloads::make_zoo_model(name, o, false);
  int bits = 1;
  for (const workloads::Layer& l : shape.layers) {
    if (!l.has_weights() || l.fixed_weights) continue;
    workloads::LayerPrecision lp;
    lp.weight_bits = bits;
    if (bits == 1) lp.scheme = kernels::Scheme::Binary;
    o.layer_precision[l.name] = lp;
    bits = bits % 16 + 1;
  }
  expect_bit_exact(workloads::make_zoo_model(name, o, true), preset(), 1, 7);
}

// Every SIMD-core layer kind: pooling, global pooling, residual add (resnet8, lenet5)...
TEST(UnpuExact, ZooResNetAndLeNetMixedPrecision) {
  expect_zoo_mixed_precision_exact("resnet8", 16, 0.5);
  expect_zoo_mixed_precision_exact("lenet5", 28, 1.0);
}

// ... concat (squeezenet) ...
TEST(UnpuExact, ZooSqueezeNetMixedPrecision) {
  expect_zoo_mixed_precision_exact("squeezenet1_1", 32, 0.25);
}

// ... and depthwise convolutions (mobilenet_v2).
TEST(UnpuExact, ZooMobileNetMixedPrecision) {
  expect_zoo_mixed_precision_exact("mobilenet_v2", 32, 0.25);
}

}  // namespace
}  // namespace qasim::arch::unpu
