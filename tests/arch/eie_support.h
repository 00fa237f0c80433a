// Shared helpers of the EIE tests: sparse, weight-shared single-layer graphs and random
// inputs of a chosen density.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "arch/eie/params.h"
#include "workloads/graph.h"

namespace qasim::arch::eie::testing {

inline EieParams preset() {
  return EieParams::schema().preset_value("eie");
}

// A codebook-scheme layer: each weight is non-zero with probability `density`, drawn from
// `shared` (at most 15) distinct non-zero values in [-120, 120].
struct SparseLayer {
  bool conv = false;
  int in_c = 1, in_h = 1, in_w = 1;  // input shape
  int out = 1;                       // output channels / neurons
  kernels::ConvGeometry geometry;    // conv only
  double density = 0.1;
  int shared = 15;
  bool relu = true;
};

inline workloads::Graph sparse_graph(const SparseLayer& s, uint32_t seed) {
  std::mt19937 rng(seed);
  workloads::Graph g;
  g.name = "sparse";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {s.in_c, s.in_h, s.in_w};
  in.output_q = kernels::QuantParams::uniform(8, false, 0.05f, 3);
  g.layers.push_back(in);
  workloads::Layer l;
  l.name = s.conv ? "conv" : "fc";
  l.kind = s.conv ? workloads::OpKind::Conv : workloads::OpKind::FullyConnected;
  l.inputs = {0};
  l.out_channels = s.out;
  if (s.conv) l.geometry = s.geometry;
  l.activation = s.relu ? kernels::Activation::Relu : kernels::Activation::None;
  std::vector<int32_t> book;
  while (static_cast<int>(book.size()) < s.shared) {
    const int32_t v = static_cast<int32_t>(rng() % 241) - 120;
    if (v != 0 && std::find(book.begin(), book.end(), v) == book.end()) book.push_back(v);
  }
  std::sort(book.begin(), book.end());
  l.weight_q.scheme = kernels::Scheme::Codebook;
  l.weight_q.bits = 4;
  l.weight_q.scale = {0.004f};
  l.weight_q.codebook = book;  // pruned weights decode to the codebook's zero
  l.weight_q.codebook.insert(l.weight_q.codebook.begin(), 0);
  const int64_t per_out =
      s.conv ? int64_t{s.in_c / s.geometry.groups} * s.geometry.kernel_h * s.geometry.kernel_w
             : int64_t{s.in_c} * s.in_h * s.in_w;
  std::vector<int32_t> w(size_t(s.out * per_out), 0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (auto& v : w)
    if (u(rng) < s.density) v = book[rng() % book.size()];
  if (s.conv)
    l.weights = kernels::IntTensor(
        {s.out, s.in_c / s.geometry.groups, s.geometry.kernel_h, s.geometry.kernel_w}, w);
  else
    l.weights = kernels::IntTensor({s.out, per_out}, w);
  for (int o = 0; o < s.out; ++o) l.bias.push_back(static_cast<int32_t>(rng() % 4001) - 2000);
  l.output_q = kernels::QuantParams::uniform(8, !s.relu, 0.08f, 0);
  g.layers.push_back(l);
  g.infer_shapes();
  return g;
}

// Input elements equal the zero point (a zero activation) with probability 1 - density.
inline kernels::IntTensor sparse_input(const workloads::Graph& g, int n, double density,
                                       uint32_t seed) {
  const workloads::Shape3 s = g.input().output_shape;
  const kernels::QuantParams& q = g.input().output_q;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  kernels::IntTensor x({n, s.c, s.h, s.w});
  const int32_t lo = q.qmin(), hi = q.qmax();
  for (int64_t k = 0; k < x.size(); ++k)
    x[k] = u(rng) < density ? lo + static_cast<int32_t>(rng() % (hi - lo + 1)) : q.zero_point_at(0);
  return x;
}

}  // namespace qasim::arch::eie::testing
