// Post-training Deep Compression of an integer graph: achieved densities, at most
// 2^bits - 1 shared non-zero values per layer, biases kept in real terms, clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "kernels/quantizers.h"
#include "workloads/errors.h"
#include "workloads/post_training_compression.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads {
namespace {

Graph small_resnet() {
  ZooOptions o;
  o.input_channels = 1;
  o.input_height = o.input_width = 16;
  o.num_classes = 10;
  return make_zoo_model("resnet8", o, true);
}

TEST(PostTrainingCompression, PrunesSharesAndKeepsBiasesInRealTerms) {
  const Graph before = small_resnet();
  Graph g = before;
  const CompressionCounts counts = compress_weights(g, {.density = 0.25, .codebook_bits = 3});
  bool first = true;
  int64_t weights = 0;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    if (!l.has_weights() || l.fixed_weights) continue;
    const Layer& old = before.layers[i];
    ASSERT_EQ(l.weight_q.scheme, kernels::Scheme::Codebook) << l.name;
    std::set<int32_t> nonzero_values;
    int64_t nonzero = 0;
    for (int64_t k = 0; k < l.weights.size(); ++k) {
      nonzero += l.weights[k] != 0;
      if (l.weights[k] != 0) nonzero_values.insert(l.weights[k]);
    }
    weights += l.weights.size();
    // 3 index bits: 7 shared values and zero.
    EXPECT_LE(nonzero_values.size(), 7u) << l.name;
    // The kept count is round(density * n) (a centroid may round to zero: at most fewer).
    const int64_t keep =
        first ? l.weights.size() : std::llround(0.25 * static_cast<double>(l.weights.size()));
    EXPECT_LE(nonzero, keep) << l.name;
    EXPECT_GE(nonzero, keep * 9 / 10) << l.name;
    // The bias means the same real value: bias * in_scale * w_scale, rounded on the new grid.
    for (size_t c = 0; c < l.bias.size(); ++c) {
      const double old_real = old.bias[c] * old.weight_q.scale_at(static_cast<int64_t>(c));
      const double new_real = l.bias[c] * double{l.weight_q.scale[0]};
      EXPECT_LE(std::fabs(new_real - old_real), 0.5 * l.weight_q.scale[0] + 1e-12) << l.name;
    }
    first = false;
  }
  EXPECT_EQ(counts.weights, weights);
  EXPECT_LT(counts.nonzero, counts.weights / 3);
}

TEST(PostTrainingCompression, RefusesImpossibleOptions) {
  Graph g = small_resnet();
  EXPECT_THROW(compress_weights(g, {.density = 0.0}), InputError);
  EXPECT_THROW(compress_weights(g, {.density = 1.5}), InputError);
  EXPECT_THROW(compress_weights(g, {.density = 0.5, .codebook_bits = 1}), InputError);
  EXPECT_THROW(compress_weights(g, {.density = 0.5, .codebook_bits = 4, .value_bits = 17}),
               InputError);
}

}  // namespace
}  // namespace qasim::workloads
