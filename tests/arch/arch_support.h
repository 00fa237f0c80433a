// Helpers every accelerator's tests share: random inputs, the layer-by-layer comparison
// against the golden reference, and the flattening of recorded counters by which the
// cycle models are compared with the fast models.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/tensor.h"
#include "sim/stats_report.h"
#include "workloads/graph.h"

namespace qasim::arch::testing {

// n images of the graph's input shape, uniform over the input's integer range.
inline kernels::IntTensor random_input(const workloads::Graph& g, int n, uint32_t seed) {
  const workloads::Shape3 s = g.input().output_shape;
  std::mt19937 rng(seed);
  kernels::IntTensor x({n, s.c, s.h, s.w});
  const int64_t lo = g.input().output_q.qmin(), hi = g.input().output_q.qmax();
  for (int64_t k = 0; k < x.size(); ++k)
    x[k] = static_cast<int32_t>(lo + static_cast<int64_t>(rng() % (hi - lo + 1)));
  return x;
}

// Every layer's output of the accelerator (`got`) equals the golden reference's (`want`).
inline void expect_layers_identical(const workloads::Graph& g,
                                    const std::vector<kernels::IntTensor>& want,
                                    const std::vector<kernels::IntTensor>& got) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_TRUE(got[i] == want[i]) << g.name << " layer " << i << " '" << g.layers[i].name << "' ("
                                   << workloads::to_string(g.layers[i].kind) << ") differs";
}

// Appends every counter's value in recorded layer `i`, in entry order.
inline void append_layer_counters(const sim::StatsRecorder& rec, size_t i,
                                  std::vector<uint64_t>& out) {
  for (size_t e = 0; e < rec.entries().size(); ++e)
    if (rec.entries()[e].kind == sim::StatKind::Counter)
      out.push_back(rec.layers().at(i).values[e].count);
}

// Appends every counter's total, in entry order.
inline void append_total_counters(const sim::StatsRecorder& rec, std::vector<uint64_t>& out) {
  for (size_t e = 0; e < rec.entries().size(); ++e)
    if (rec.entries()[e].kind == sim::StatKind::Counter) out.push_back(rec.totals()[e].count);
}

// The cycle model's flattened result (`got`) equals the fast model's, entry by entry.
inline void expect_same_entries(const std::vector<uint64_t>& got,
                                const std::vector<uint64_t>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) ASSERT_EQ(got[k], want[k]) << "entry " << k;
}

}  // namespace qasim::arch::testing
