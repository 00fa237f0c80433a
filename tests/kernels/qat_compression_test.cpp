// Deep Compression pieces: magnitude pruning and k-means weight sharing with linear
// initialisation, against hand-derived cases and the k-means fixed-point properties.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/qat/compression.h"
#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

using namespace kernels::qat;

TEST(QatCompression, PruneKeepsTheLargestMagnitudesLowerIndexOnTies) {
  const std::vector<float> w = {0.1f, -0.5f, 0.3f, -0.3f, 0.05f, 2.f};
  // Keep 3: |2|, |-0.5|, then 0.3 and -0.3 tie: the lower index (2) stays.
  EXPECT_EQ(magnitude_prune_mask(w, 0.5), (std::vector<uint8_t>{0, 1, 1, 0, 0, 1}));
  EXPECT_EQ(magnitude_prune_mask(w, 0.0), std::vector<uint8_t>(6, 0));
  EXPECT_EQ(magnitude_prune_mask(w, 1.0), std::vector<uint8_t>(6, 1));
  EXPECT_THROW(magnitude_prune_mask(w, 1.5), std::invalid_argument);
  std::vector<float> grad = {1, 2, 3, 4, 5, 6};
  apply_mask(grad, magnitude_prune_mask(w, 0.5));
  EXPECT_EQ(grad, (std::vector<float>{0, 2, 3, 0, 0, 6}));
  EXPECT_THROW(apply_mask(grad, std::vector<uint8_t>(5, 1)), std::invalid_argument);
}

TEST(QatCompression, KMeansFromLinearInitialisation) {
  const std::vector<float> w = {-1.f, -0.9f, 0.1f, 0.2f, 0.9f, 1.f};
  // k = 2 starts at {-1, 1}; 0.1 and 0.2 are nearer 1. Means: -0.95 and 0.55; the next
  // assignment is the same, so it stops.
  const SharedWeights s = share_weights(w, 1);
  ASSERT_EQ(s.centroids.size(), 2u);
  EXPECT_FLOAT_EQ(s.centroids[0], -0.95f);
  EXPECT_FLOAT_EQ(s.centroids[1], 0.55f);
  EXPECT_EQ(s.assignment, (std::vector<int32_t>{0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(s.iterations, 1);
  // Gradients of a cluster add up (Han et al.): 1 + 2 and 3 + 4 + 5 + 6.
  EXPECT_EQ(centroid_gradients(s, std::vector<float>{1, 2, 3, 4, 5, 6}),
            (std::vector<float>{3, 18}));
  std::vector<float> decoded(6);
  decode_shared(s, decoded);
  EXPECT_EQ(decoded, (std::vector<float>{s.centroids[0], s.centroids[0], s.centroids[1],
                                         s.centroids[1], s.centroids[1], s.centroids[1]}));
  // A fine-tuning step: -0.95 - 0.5 * 3 and 0.55 - 0.5 * 18; the assignment stays.
  SharedWeights tuned = s;
  update_centroids(tuned, std::vector<float>{1, 2, 3, 4, 5, 6}, 0.5f);
  EXPECT_FLOAT_EQ(tuned.centroids[0], -2.45f);
  EXPECT_FLOAT_EQ(tuned.centroids[1], -8.45f);
  EXPECT_EQ(tuned.assignment, s.assignment);
}

TEST(QatCompression, PrunedWeightsTakeNoPartAndTiesGoLow) {
  const std::vector<float> w = {-1.f, -0.9f, 0.1f, 0.2f, 0.9f, 1.f};
  const std::vector<uint8_t> mask = {0, 1, 1, 1, 1, 0};
  // Survivors {-0.9, 0.1, 0.2, 0.9}: init {-0.9, 0.9}; means -0.9 and 0.4.
  const SharedWeights s = share_weights(w, 1, mask);
  EXPECT_FLOAT_EQ(s.centroids[0], -0.9f);
  EXPECT_FLOAT_EQ(s.centroids[1], 0.4f);
  EXPECT_EQ(s.assignment, (std::vector<int32_t>{-1, 0, 1, 1, 1, -1}));
  EXPECT_EQ(centroid_gradients(s, std::vector<float>(6, 1.f)), (std::vector<float>{1, 3}));
  // {0, 0.5, 1}, k = 2: 0.5 is equally far from 0 and 1 and joins the lower one.
  const SharedWeights tie = share_weights(std::vector<float>{0.f, 0.5f, 1.f}, 1);
  EXPECT_EQ(tie.assignment, (std::vector<int32_t>{0, 0, 1}));
  EXPECT_FLOAT_EQ(tie.centroids[0], 0.25f);
  // Nothing survives: zero centroids, all pruned.
  const SharedWeights none = share_weights(w, 2, std::vector<uint8_t>(6, 0));
  EXPECT_EQ(none.centroids, std::vector<float>(4, 0.f));
  EXPECT_EQ(none.assignment, std::vector<int32_t>(6, -1));
}

TEST(QatCompression, ConvergedKMeansIsAFixedPoint) {
  const auto w = random_floats(2000, -1.f, 1.f, 17);
  const SharedWeights s = share_weights(w, 3);
  ASSERT_EQ(s.centroids.size(), 8u);
  EXPECT_TRUE(std::is_sorted(s.centroids.begin(), s.centroids.end()));
  EXPECT_LT(s.iterations, 100);
  std::vector<double> sum(8, 0.0);
  std::vector<int> count(8, 0);
  for (size_t i = 0; i < w.size(); ++i) {
    const auto a = static_cast<size_t>(s.assignment[i]);
    sum[a] += w[i];
    ++count[a];
    for (float c : s.centroids)  // no centroid is nearer than the assigned one
      ASSERT_LE(std::fabs(w[i] - s.centroids[a]), std::fabs(w[i] - c) + 1e-7f) << i;
  }
  for (size_t j = 0; j < 8; ++j) {
    ASSERT_GT(count[j], 0);
    EXPECT_NEAR(s.centroids[j], sum[j] / count[j], 1e-6) << j;
  }
  const SharedWeights again = share_weights(w, 3);
  EXPECT_EQ(again.centroids, s.centroids);
  EXPECT_EQ(again.assignment, s.assignment);
}

TEST(QatCompression, SnappedCentroidsAreTheCodebookExactly) {
  const auto w = random_floats(500, -0.8f, 0.8f, 5);
  const auto mask = magnitude_prune_mask(w, 0.3);
  SharedWeights s = share_weights(w, 2, mask);
  snap_centroids(s, 8);
  std::vector<float> decoded(w.size());
  decode_shared(s, decoded);
  const kernels::Quantized z = to_codebook(s, 8, {20, 25});
  EXPECT_EQ(z.params.scheme, kernels::Scheme::Codebook);
  EXPECT_EQ(z.params.codebook.size(), 5u) << "4 centroids and the pruned zero";
  EXPECT_EQ(z.params.bits, 3);
  EXPECT_EQ(kernels::dequantize(z.values, z.params).values(), decoded);
  EXPECT_THROW(to_codebook(s, 8, {7}), std::invalid_argument);
  EXPECT_THROW(share_weights(w, 9), std::invalid_argument);
}

TEST(QatCompression, IterativePruningStaysWithinTheSurvivors) {
  const std::vector<float> w = {0.9f, -0.1f, 0.4f, -0.8f, 0.2f, 0.7f, -0.3f, 0.05f};
  // Step 1 keeps round(0.75 * 8) = 6: all but |0.1| and |0.05|.
  const std::vector<uint8_t> first = magnitude_prune_mask(w, 0.75);
  EXPECT_EQ(first, (std::vector<uint8_t>{1, 0, 1, 1, 1, 1, 1, 0}));
  // Step 2 keeps round(0.5 * 8) = 4 of those 6 (the density counts every weight): 0.9,
  // -0.8, 0.7, 0.4.
  std::vector<float> retrained = w;
  retrained[1] = 5.f;  // a pruned weight that grew would win without the survivors' mask
  EXPECT_EQ(magnitude_prune_mask(retrained, 0.5, first),
            (std::vector<uint8_t>{1, 0, 1, 1, 0, 1, 0, 0}));
  EXPECT_EQ(magnitude_prune_mask(retrained, 0.5), (std::vector<uint8_t>{1, 1, 0, 1, 0, 1, 0, 0}));
  // Asking for more than survive is an error, not a silent regrowth.
  EXPECT_THROW(magnitude_prune_mask(w, 0.875, first), std::invalid_argument);
  EXPECT_THROW(magnitude_prune_mask(w, 0.5, std::vector<uint8_t>(3, 1)), std::invalid_argument);
}

TEST(QatCompression, AnyClusterCountForAZeroIndexCodebook) {
  // 3 clusters (a 2-bit index whose entry 0 is zero): linear init -1, 0, 1 over [-1, 1].
  const std::vector<float> w = {-1.f, -0.8f, 0.f, 0.1f, 0.3f, 0.8f, 1.f, 7.f};
  const std::vector<uint8_t> mask = {1, 1, 1, 1, 1, 1, 1, 0};
  const SharedWeights s = share_weights_clusters(w, 3, mask);
  ASSERT_EQ(s.centroids.size(), 3u);
  // Members: {-1, -0.8}, {0, 0.1, 0.3}, {0.8, 1}; the means are a fixed point at once.
  EXPECT_FLOAT_EQ(s.centroids[0], -0.9f);
  EXPECT_NEAR(s.centroids[1], 0.4f / 3.f, 1e-7f);
  EXPECT_FLOAT_EQ(s.centroids[2], 0.9f);
  EXPECT_EQ(s.assignment, (std::vector<int32_t>{0, 0, 1, 1, 1, 2, 2, -1}));
  // With a zero entry added for the pruned weight the codebook has 4 entries: 2 index bits.
  SharedWeights snapped = s;
  snap_centroids(snapped, 8);
  EXPECT_EQ(to_codebook(snapped, 8, {8}).params.bits, 2);
  EXPECT_THROW(share_weights_clusters(w, 0), std::invalid_argument);
  EXPECT_THROW(share_weights_clusters(w, 257), std::invalid_argument);
  // One cluster: the mean of the survivors.
  EXPECT_FLOAT_EQ(share_weights_clusters(w, 1, mask).centroids[0], 0.4f / 7.f);
}

}  // namespace
}  // namespace qasim::test
