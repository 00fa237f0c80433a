// Shared by the ONNX tests: field-by-field graph comparison and small graph builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "workloads/graph.h"

namespace qasim::workloads::onnx_test {

inline void expect_same_layer(const Layer& a, const Layer& b) {
  SCOPED_TRACE("layer " + a.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.geometry, b.geometry);
  EXPECT_EQ(a.out_channels, b.out_channels);
  if (a.kind == OpKind::AvgPool) {
    EXPECT_EQ(a.count_include_pad, b.count_include_pad);
  }
  EXPECT_EQ(a.activation, b.activation);
  EXPECT_EQ(a.clip_lo, b.clip_lo);
  EXPECT_EQ(a.clip_hi, b.clip_hi);
  if (a.has_weights()) {
    EXPECT_EQ(a.weight_q, b.weight_q);
    EXPECT_EQ(a.weights, b.weights);
    EXPECT_EQ(a.has_bias, b.has_bias);
    EXPECT_EQ(a.bias, b.bias);
    EXPECT_EQ(a.batchnorm_folded, b.batchnorm_folded);
    EXPECT_EQ(a.fixed_weights, b.fixed_weights);
  }
  EXPECT_EQ(a.output_q, b.output_q);
  EXPECT_EQ(a.output_shape, b.output_shape);
}

inline void expect_same_graph(const Graph& a, const Graph& b, bool with_numerics = true) {
  EXPECT_EQ(a.name, b.name);
  if (with_numerics) {
    EXPECT_EQ(a.numerics, b.numerics);
    EXPECT_EQ(a.num_classes, b.num_classes);
  }
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) expect_same_layer(a.layers[i], b.layers[i]);
}

// Deterministic integers in [lo, hi].
inline kernels::IntTensor random_ints(kernels::Dims dims, int32_t lo, int32_t hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> d(lo, hi);
  kernels::IntTensor t(std::move(dims));
  for (int64_t k = 0; k < t.size(); ++k) t[k] = d(rng);
  return t;
}

// A scratch directory under the build tree, emptied per test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::path(QASIM_BINARY_DIR) / "onnx_test_scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Debian's Python with python3-onnx, if present.
inline bool have_python_onnx() {
  return std::system("/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1") == 0;
}

}  // namespace qasim::workloads::onnx_test
