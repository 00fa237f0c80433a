// Shared helpers of the UNPU tests: the preset, random inputs, random single-layer graphs
// at any weight precision, and the layer-by-layer comparison against the golden reference.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "arch/unpu/compiler.h"
#include "arch/unpu/executor.h"
#include "arch/unpu/params.h"
#include "arch_support.h"
#include "sim/yaml_params.h"
#include "workloads/golden_engine.h"
#include "workloads/graph.h"

namespace qasim::arch::unpu::testing {

inline UnpuParams preset() {
  return UnpuParams::schema().preset_value("unpu");
}

using ::qasim::arch::testing::random_input;

// Random integer weights of `bits` bits: +-1 (binary) at 1 bit, else uniform signed.
inline kernels::QuantParams weight_quant(int bits, int k, std::mt19937& rng) {
  std::vector<float> scales;
  for (int o = 0; o < k; ++o) scales.push_back(0.001f + 0.0007f * static_cast<float>(rng() % 17));
  return bits == 1 ? kernels::QuantParams::binary(scales)
                   : kernels::QuantParams::uniform_per_channel(bits, scales);
}

inline std::vector<int32_t> random_weights(const kernels::QuantParams& q, int64_t count,
                                           std::mt19937& rng) {
  std::vector<int32_t> w(static_cast<size_t>(count));
  const int64_t lo = q.qmin(), hi = q.qmax();
  for (auto& v : w) {
    v = static_cast<int32_t>(lo + static_cast<int64_t>(rng() % (hi - lo + 1)));
    if (q.scheme == kernels::Scheme::Binary && v == 0) v = 1;
  }
  return w;
}

// Input [c, h, w] (12-bit unsigned activations with a zero point) -> one conv (or FC when
// `fc`) of `bits`-bit weights with a bias and a ReLU.
inline workloads::Graph single_layer(int c, int h, int w, int k, const kernels::ConvGeometry& geo,
                                     int bits, uint32_t seed, bool fc = false) {
  std::mt19937 rng(seed);
  workloads::Graph g;
  g.name = "single_layer";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {c, h, w};
  in.output_q = kernels::QuantParams::uniform(12, false, 0.001f, 37);
  g.layers.push_back(in);
  workloads::Layer layer;
  layer.name = fc ? "fc" : "conv";
  layer.kind = fc ? workloads::OpKind::FullyConnected : workloads::OpKind::Conv;
  layer.inputs = {0};
  layer.out_channels = k;
  if (!fc) layer.geometry = geo;
  layer.activation = kernels::Activation::Relu;
  layer.weight_q = weight_quant(bits, k, rng);
  const int64_t per_out =
      fc ? int64_t{c} * h * w : int64_t{c / geo.groups} * geo.kernel_h * geo.kernel_w;
  const std::vector<int32_t> wv = random_weights(layer.weight_q, k * per_out, rng);
  layer.weights = fc ? kernels::IntTensor({k, per_out}, wv)
                     : kernels::IntTensor({k, c / geo.groups, geo.kernel_h, geo.kernel_w}, wv);
  for (int o = 0; o < k; ++o) layer.bias.push_back(static_cast<int32_t>(rng() % 20001) - 10000);
  layer.output_q = kernels::QuantParams::uniform(8, false, 0.02f, 0);
  g.layers.push_back(layer);
  g.infer_shapes();
  return g;
}

// The preset with the overrides of a YAML text (as an arch YAML file would give them).
inline UnpuParams preset_with(const std::string& yaml) {
  return UnpuParams::schema().parse(sim::load_yaml_text(yaml, "test.yaml"), "test.yaml", preset());
}

inline kernels::ConvGeometry conv_geometry(int kernel, int stride, int pad, int groups = 1,
                                           int dilation = 1) {
  kernels::ConvGeometry g;
  g.kernel_h = g.kernel_w = kernel;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  g.groups = groups;
  g.dilation_h = g.dilation_w = dilation;
  return g;
}

// Runs `g` on the UNPU datapath and on the golden reference with the same numerics and
// expects every layer to be identical.
inline void expect_bit_exact(workloads::Graph g, const UnpuParams& p, int batch, uint32_t seed) {
  g.infer_shapes();
  const Program program = compile(g, p);
  const kernels::IntTensor x = random_input(g, batch, seed);
  workloads::GoldenEngine golden(g, p.numerics());
  const std::vector<kernels::IntTensor> want = golden.run_all(x);
  const std::vector<kernels::IntTensor> got = execute(g, program, p, x);
  ::qasim::arch::testing::expect_layers_identical(g, want, got);
}

}  // namespace qasim::arch::unpu::testing
