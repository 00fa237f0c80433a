// Bit-exactness of the NVDLA model: every layer of zoo networks and of random awkward
// single layers equals the golden reference run with the accelerator's numerics.
#include <gtest/gtest.h>

#include <random>

#include "nvdla_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::nvdla {
namespace {

using testing::expect_bit_exact;
using testing::preset;
using testing::single_conv;

struct ZooCase {
  std::string model;
  int size;
};

class NvdlaZooExact : public ::testing::TestWithParam<std::tuple<ZooCase, std::string>> {};

TEST_P(NvdlaZooExact, EveryLayerEqualsGolden) {
  const auto& [zc, arch] = GetParam();
  workloads::ZooOptions o;
  o.input_height = o.input_width = zc.size;
  o.num_classes = 10;
  o.seed = 5;
  if (zc.model == "resnet8") o.weight_bits = 4;  // narrower weights run on the INT8 datapath
  expect_bit_exact(workloads::make_zoo_model(zc.model, o, true), preset(arch), 2, 17);
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, NvdlaZooExact,
    ::testing::Combine(::testing::Values(ZooCase{"lenet5", 32}, ZooCase{"resnet8", 16},
                                         ZooCase{"resnet20", 16}, ZooCase{"mobilenet_v1", 32},
                                         ZooCase{"mobilenet_v2", 32}, ZooCase{"squeezenet1_1", 32}),
                       ::testing::Values("nvdla_small", "nvdla_large")),
    [](const auto& info) { return std::get<0>(info.param).model + "_" + std::get<1>(info.param); });

kernels::ConvGeometry geometry(int kh, int kw, int stride, int pt, int pl, int pb, int pr,
                               int groups = 1) {
  kernels::ConvGeometry g;
  g.kernel_h = kh;
  g.kernel_w = kw;
  g.stride_h = g.stride_w = stride;
  g.pad_top = pt;
  g.pad_left = pl;
  g.pad_bottom = pb;
  g.pad_right = pr;
  g.groups = groups;
  return g;
}

TEST(NvdlaSingleLayerExact, AwkwardShapesOnBothPresets) {
  struct Case {
    int c, h, w, k;
    kernels::ConvGeometry g;
  };
  const std::vector<Case> cases = {
      {3, 13, 11, 5, geometry(3, 3, 1, 1, 1, 1, 1)},
      {19, 9, 10, 13, geometry(3, 3, 2, 0, 1, 1, 0)},      // stride 2, asymmetric padding
      {11, 17, 15, 9, geometry(3, 2, 3, 2, 0, 0, 1)},      // stride 3, 3x2 kernel
      {70, 7, 6, 33, geometry(1, 1, 1, 0, 0, 0, 0)},       // 1x1, channels past one atom
      {5, 20, 18, 7, geometry(7, 7, 2, 3, 3, 2, 3)},       // 7x7
      {12, 10, 9, 12, geometry(3, 3, 1, 1, 1, 1, 1, 12)},  // depthwise
      {12, 8, 8, 18, geometry(3, 3, 2, 1, 0, 1, 1, 3)},    // grouped
      {130, 12, 12, 40, geometry(3, 3, 1, 1, 1, 1, 1)},    // several channel chunks (small)
  };
  uint32_t seed = 100;
  for (const Case& c : cases)
    for (const char* arch : {"nvdla_small", "nvdla_large"}) {
      SCOPED_TRACE(std::string(arch) + " case seed " + std::to_string(seed));
      expect_bit_exact(single_conv(c.c, c.h, c.w, c.k, c.g, 8, seed), preset(arch), 2, seed);
      ++seed;
    }
}

TEST(NvdlaSingleLayerExact, WrapAndNarrowAccumulatorAcrossChunks) {
  // A 16-bit wrapping accumulator overflows inside the sum; CACC must still wrap the exact
  // total once, as the golden reference does, even though the sum is split into chunks.
  NvdlaParams p = preset("nvdla_small");
  p.accumulator_bits = 16;
  p.overflow = kernels::Overflow::Wrap;
  p.cbuf_entries = 16;  // a tiny CBUF forces channel chunks and row stripes
  expect_bit_exact(single_conv(200, 9, 9, 20, geometry(3, 3, 1, 1, 1, 1, 1), 8, 7), p, 1, 7);
  p.overflow = kernels::Overflow::Saturate;
  expect_bit_exact(single_conv(200, 9, 9, 20, geometry(3, 3, 1, 1, 1, 1, 1), 8, 8), p, 1, 8);
}

TEST(NvdlaSingleLayerExact, Int16DatapathRunsTwelveBitWeights) {
  NvdlaParams p = preset("nvdla_small");
  p.datapath = Datapath::Int16;
  expect_bit_exact(single_conv(9, 8, 8, 10, geometry(3, 3, 1, 1, 1, 1, 1), 12, 3), p, 1, 3);
}

// Random shapes on a tiny CBUF, so that channel chunks, row stripes and kernel groups all
// occur together, with dilation, odd strides and uneven padding.
TEST(NvdlaSingleLayerExact, RandomShapesOnATinyCbuf) {
  std::mt19937 rng(2024);
  const auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  NvdlaParams p = preset("nvdla_small");
  p.cbuf_entries = 64;  // 4 KB of data and 4 KB of weights, 2 KB per half
  for (int iter = 0; iter < 40; ++iter) {
    kernels::ConvGeometry g;
    g.kernel_h = pick(1, 5);
    g.kernel_w = pick(1, 5);
    g.stride_h = pick(1, 3);
    g.stride_w = pick(1, 3);
    g.dilation_h = pick(1, 2);
    g.dilation_w = pick(1, 2);
    g.pad_top = pick(0, 2);
    g.pad_bottom = pick(0, 2);
    g.pad_left = pick(0, 2);
    g.pad_right = pick(0, 2);
    const int groups = pick(0, 3) == 0 ? pick(2, 3) : 1;
    g.groups = groups;
    const int c = groups * pick(1, 40), k = groups * pick(1, 30);
    const int h = pick(g.dilation_h * (g.kernel_h - 1) + 1, 14);
    const int w = pick(g.dilation_w * (g.kernel_w - 1) + 1, 14);
    SCOPED_TRACE(::testing::Message() << "iteration " << iter << ": c " << c << " k " << k << " "
                                      << h << "x" << w << " groups " << groups);
    expect_bit_exact(single_conv(c, h, w, k, g, pick(2, 8), 500 + iter), p, 1, 900 + iter);
  }
}

}  // namespace
}  // namespace qasim::arch::nvdla
