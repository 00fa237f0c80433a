// Bit-exactness of the EIE datapath: every layer equals the golden reference run with the
// accelerator's numerics, on randomized sparse codebook layers of awkward shapes and
// densities, and on zoo networks weight-shared to 3-bit codebooks.
#include <gtest/gtest.h>

#include "arch/eie/compiler.h"
#include "arch/eie/executor.h"
#include "eie_support.h"
#include "workloads/errors.h"
#include "workloads/golden_engine.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::eie {
namespace {

using testing::preset;
using testing::SparseLayer;

void expect_exact(const workloads::Graph& g, const EieParams& p, const kernels::IntTensor& x) {
  const Program prog = compile(g, p);
  const auto want = workloads::GoldenEngine(g, p.numerics()).run_all(x);
  const auto got = execute(g, prog, p, x);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_TRUE(got[i] == want[i]) << g.name << " layer " << i << " '" << g.layers[i].name << "'";
}

kernels::ConvGeometry geo(int k, int stride, int pad, int groups = 1) {
  kernels::ConvGeometry g;
  g.kernel_h = g.kernel_w = k;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  g.groups = groups;
  return g;
}

TEST(EieExact, RandomSparseFcLayers) {
  uint32_t seed = 1;
  for (int pes : {1, 3, 64})
    for (double density : {0.02, 0.1, 0.5, 1.0})
      for (double act : {0.0, 0.35, 1.0}) {
        EieParams p = preset();
        p.num_pes = pes;
        p.activation_registers = 4;  // several row batches
        SparseLayer s;
        s.in_c = 37;
        s.in_h = 3;
        s.out = 301;
        s.density = density;
        s.shared = 1 + static_cast<int>(seed % 15);
        s.relu = seed % 2 == 0;
        SCOPED_TRACE(::testing::Message() << "pes " << pes << " density " << density << " act "
                                          << act << " seed " << seed);
        const workloads::Graph g = testing::sparse_graph(s, seed);
        expect_exact(g, p, testing::sparse_input(g, 2, act, seed + 100));
        ++seed;
      }
}

TEST(EieExact, RandomSparseConvolutionsLowered) {
  struct Case {
    int c, h, w, k;
    kernels::ConvGeometry g;
  };
  const std::vector<Case> cases = {{3, 9, 7, 5, geo(3, 1, 1)},
                                   {8, 10, 9, 12, geo(3, 2, 0)},
                                   {6, 7, 7, 6, geo(3, 1, 1, 6)},  // depthwise
                                   {12, 6, 5, 9, geo(1, 1, 0, 3)},
                                   {4, 11, 11, 70, geo(5, 3, 2)}};
  uint32_t seed = 40;
  for (const Case& c : cases)
    for (double density : {0.05, 0.3, 1.0}) {
      EieParams p = preset();
      p.num_pes = 7;
      SparseLayer s;
      s.conv = true;
      s.in_c = c.c;
      s.in_h = c.h;
      s.in_w = c.w;
      s.out = c.k;
      s.geometry = c.g;
      s.density = density;
      SCOPED_TRACE(::testing::Message() << "seed " << seed);
      const workloads::Graph g = testing::sparse_graph(s, seed);
      expect_exact(g, p, testing::sparse_input(g, 2, 0.6, seed));
      ++seed;
    }
}

TEST(EieExact, NarrowWrappingAccumulator) {
  EieParams p = preset();
  p.accumulator_bits = 20;
  p.weight_bits = 8;
  p.activation_bits = 10;
  SparseLayer s;
  s.in_c = 500;
  s.out = 40;
  s.density = 1.0;
  for (auto ov : {kernels::Overflow::Wrap, kernels::Overflow::Saturate}) {
    p.overflow = ov;
    const workloads::Graph g = testing::sparse_graph(s, 9);
    expect_exact(g, p, testing::sparse_input(g, 1, 1.0, 9));
  }
}

TEST(EieExact, ZooNetworksWithThreeBitCodebooks) {
  for (const char* model : {"lenet5", "resnet8"}) {
    workloads::ZooOptions o;
    o.input_height = o.input_width = model == std::string("lenet5") ? 32 : 16;
    o.num_classes = 10;
    o.weight_scheme = kernels::Scheme::Codebook;
    o.weight_bits = o.first_layer_bits = o.last_layer_bits = 3;
    const workloads::Graph g = workloads::make_zoo_model(model, o, true);
    SCOPED_TRACE(model);
    expect_exact(g, preset(), testing::sparse_input(g, 1, 0.8, 3));
  }
}

// Uniform 3-bit weights have at most 7 distinct non-zero values: a per-layer codebook.
TEST(EieExact, UniformLayersWithFewValuesGetACodebook) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 16;
  o.num_classes = 10;
  o.weight_bits = o.first_layer_bits = o.last_layer_bits = 3;
  const workloads::Graph g = workloads::make_zoo_model("resnet8", o, true);
  expect_exact(g, preset(), testing::sparse_input(g, 1, 0.8, 5));
}

TEST(EieExact, UniformEightBitLayersAreRefusedClearly) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 16;
  o.num_classes = 10;
  const workloads::Graph g = workloads::make_zoo_model("resnet8", o, true);
  try {
    compile(g, preset());
    FAIL() << "compiled";
  } catch (const workloads::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("codebook"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qasim::arch::eie
