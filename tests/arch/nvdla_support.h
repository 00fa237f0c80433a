// Shared helpers of the NVDLA tests: random inputs, random single-layer graphs, and the
// layer-by-layer comparison against the golden reference.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "arch/nvdla/compiler.h"
#include "arch/nvdla/executor.h"
#include "arch/nvdla/params.h"
#include "arch_support.h"
#include "workloads/golden_engine.h"
#include "workloads/graph.h"

namespace qasim::arch::nvdla::testing {

inline NvdlaParams preset(const std::string& name) {
  return NvdlaParams::schema().preset_value(name);
}

using ::qasim::arch::testing::random_input;

// Input [c, h, w] -> one conv with random weights (per-channel scales, zero points on the
// input) and a ReLU; `geometry.groups` may make it grouped or depthwise.
inline workloads::Graph single_conv(int c, int h, int w, int k, const kernels::ConvGeometry& geo,
                                    int weight_bits, uint32_t seed) {
  std::mt19937 rng(seed);
  workloads::Graph g;
  g.name = "single_conv";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {c, h, w};
  in.output_q = kernels::QuantParams::uniform(8, false, 0.05f, 3);
  g.layers.push_back(in);
  workloads::Layer conv;
  conv.name = "conv";
  conv.kind = workloads::OpKind::Conv;
  conv.inputs = {0};
  conv.out_channels = k;
  conv.geometry = geo;
  conv.activation = kernels::Activation::Relu;
  std::vector<float> scales;
  for (int o = 0; o < k; ++o) scales.push_back(0.01f + 0.003f * static_cast<float>(rng() % 17));
  conv.weight_q = kernels::QuantParams::uniform_per_channel(weight_bits, scales);
  const int cg = c / geo.groups;
  const int64_t count = int64_t{k} * cg * geo.kernel_h * geo.kernel_w;
  std::vector<int32_t> wv(count);
  const int32_t span = (1 << weight_bits) - 1, lo = -(1 << (weight_bits - 1));
  for (auto& v : wv) v = lo + static_cast<int32_t>(rng() % (span + 1));
  conv.weights = kernels::IntTensor({k, cg, geo.kernel_h, geo.kernel_w}, wv);
  for (int o = 0; o < k; ++o) conv.bias.push_back(static_cast<int32_t>(rng() % 2001) - 1000);
  conv.output_q = kernels::QuantParams::uniform(8, false, 0.04f, 0);
  g.layers.push_back(conv);
  g.infer_shapes();
  return g;
}

// Runs `g` on the NVDLA model and on the golden reference with the same numerics and
// expects every layer to be identical.
inline void expect_bit_exact(workloads::Graph g, const NvdlaParams& p, int batch, uint32_t seed) {
  g.infer_shapes();
  const Program program = compile(g, p);
  const kernels::IntTensor x = random_input(g, batch, seed);
  workloads::GoldenEngine golden(g, p.numerics());
  const std::vector<kernels::IntTensor> want = golden.run_all(x);
  const std::vector<kernels::IntTensor> got = execute(g, program, p, x);
  ::qasim::arch::testing::expect_layers_identical(g, want, got);
}

}  // namespace qasim::arch::nvdla::testing
