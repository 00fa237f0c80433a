#include "kernels/qat/compression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "kernels/qat/common.h"

namespace qasim::kernels::qat {

namespace {

bool kept(std::span<const uint8_t> mask, size_t i) {
  return mask.empty() || mask[i] != 0;
}

void check_mask(const char* op, size_t n, std::span<const uint8_t> mask) {
  if (!mask.empty() && mask.size() != n)
    detail::fail(op, fmt::format("mask has {} entries for {} weights", mask.size(), n));
}

// Index of the nearest of the ascending centroids; the lower one on a tie.
int32_t nearest(const std::vector<float>& centroids, float v) {
  const auto it = std::lower_bound(centroids.begin(), centroids.end(), v);
  if (it == centroids.begin()) return 0;
  if (it == centroids.end()) return static_cast<int32_t>(centroids.size() - 1);
  const auto hi = static_cast<int32_t>(it - centroids.begin());
  const double below = static_cast<double>(v) - centroids[static_cast<size_t>(hi - 1)];
  const double above = static_cast<double>(centroids[static_cast<size_t>(hi)]) - v;
  if (below > above) return hi;  // lower_bound found the first of equal upper centroids
  int32_t lower = hi - 1;        // the first of equal lower centroids
  while (lower > 0 &&
         centroids[static_cast<size_t>(lower - 1)] == centroids[static_cast<size_t>(lower)])
    --lower;
  return lower;
}

}  // namespace

std::vector<uint8_t> magnitude_prune_mask(std::span<const float> w, double density) {
  return magnitude_prune_mask(w, density, {});
}

std::vector<uint8_t> magnitude_prune_mask(std::span<const float> w, double density,
                                          std::span<const uint8_t> survivors) {
  const char* op = "magnitude_prune_mask";
  if (!(density >= 0.0 && density <= 1.0))
    detail::fail(op, fmt::format("density {} outside [0, 1]", density));
  check_mask(op, w.size(), survivors);
  detail::check_finite(op, w);
  const auto keep = static_cast<size_t>(std::llround(density * static_cast<double>(w.size())));
  std::vector<size_t> order;
  order.reserve(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    if (kept(survivors, i)) order.push_back(i);
  if (keep > order.size())
    detail::fail(op, fmt::format("density {} keeps {} weights but only {} survive", density, keep,
                                 order.size()));
  // Largest |w| first; equal magnitudes by index: a strict weak order, so the result is
  // the same whatever the sort's internals.
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                   [&](size_t a, size_t b) {
                     const float ma = std::fabs(w[a]), mb = std::fabs(w[b]);
                     return ma != mb ? ma > mb : a < b;
                   });
  std::vector<uint8_t> mask(w.size(), 0);
  for (size_t i = 0; i < keep; ++i) mask[order[i]] = 1;
  return mask;
}

void apply_mask(std::span<float> values, std::span<const uint8_t> mask) {
  if (mask.size() != values.size())
    detail::fail("apply_mask",
                 fmt::format("mask has {} entries for {} values", mask.size(), values.size()));
  detail::for_each_index(static_cast<int64_t>(values.size()), [&](int64_t i) {
    if (!mask[static_cast<size_t>(i)]) values[static_cast<size_t>(i)] = 0.f;
  });
}

SharedWeights share_weights(std::span<const float> w, int bits, std::span<const uint8_t> mask,
                            int max_iterations) {
  if (bits < 1 || bits > 8)
    detail::fail("share_weights", fmt::format("{} bits outside [1, 8]", bits));
  return share_weights_clusters(w, 1 << bits, mask, max_iterations);
}

SharedWeights share_weights_clusters(std::span<const float> w, int clusters,
                                     std::span<const uint8_t> mask, int max_iterations) {
  const char* op = "share_weights";
  if (clusters < 1 || clusters > 256)
    detail::fail(op, fmt::format("{} clusters outside [1, 256]", clusters));
  if (max_iterations < 1) detail::fail(op, "max_iterations must be at least 1");
  check_mask(op, w.size(), mask);
  detail::check_finite(op, w);
  const auto k = static_cast<size_t>(clusters);
  SharedWeights shared;
  shared.centroids.assign(k, 0.f);
  shared.assignment.assign(w.size(), -1);

  float lo = 0.f, hi = 0.f;
  bool any = false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (!kept(mask, i)) continue;
    lo = any ? std::min(lo, w[i]) : w[i];
    hi = any ? std::max(hi, w[i]) : w[i];
    any = true;
  }
  if (!any) return shared;
  // One cluster: the linear initialisation degenerates to the minimum (Lloyd moves it).
  for (size_t j = 0; j < k; ++j)
    shared.centroids[j] =
        static_cast<float>(k == 1 ? lo
                                  : lo + (static_cast<double>(hi) - lo) * static_cast<double>(j) /
                                             static_cast<double>(k - 1));

  const auto n = static_cast<int64_t>(w.size());
  std::vector<int32_t> next(w.size());
  for (int it = 0; it < max_iterations; ++it) {
    detail::for_each_index(n, [&](int64_t i) {
      const auto u = static_cast<size_t>(i);
      next[u] = kept(mask, u) ? nearest(shared.centroids, w[u]) : -1;
    });
    if (it > 0 && next == shared.assignment) break;
    shared.assignment.swap(next);
    shared.iterations = it + 1;
    std::vector<double> sum(k, 0.0);
    std::vector<int64_t> count(k, 0);
    for (size_t i = 0; i < w.size(); ++i) {
      const int32_t a = shared.assignment[i];
      if (a < 0) continue;
      sum[static_cast<size_t>(a)] += w[i];
      ++count[static_cast<size_t>(a)];
    }
    for (size_t j = 0; j < k; ++j)
      if (count[j])
        shared.centroids[j] = static_cast<float>(sum[j] / static_cast<double>(count[j]));
    // 1-D clusters of nearest-centroid assignments are intervals, so the means stay in
    // order; an empty cluster's stale centroid may not, and the search needs them sorted.
    if (!std::is_sorted(shared.centroids.begin(), shared.centroids.end()))
      std::sort(shared.centroids.begin(), shared.centroids.end());
  }
  // The assignment that goes with the final centroids.
  detail::for_each_index(n, [&](int64_t i) {
    const auto u = static_cast<size_t>(i);
    shared.assignment[u] = kept(mask, u) ? nearest(shared.centroids, w[u]) : -1;
  });
  return shared;
}

void decode_shared(const SharedWeights& shared, std::span<float> w) {
  if (w.size() != shared.assignment.size())
    detail::fail("decode_shared",
                 fmt::format("{} weights for {} assignments", w.size(), shared.assignment.size()));
  detail::for_each_index(static_cast<int64_t>(w.size()), [&](int64_t i) {
    const int32_t a = shared.assignment[static_cast<size_t>(i)];
    w[static_cast<size_t>(i)] = a < 0 ? 0.f : shared.centroids[static_cast<size_t>(a)];
  });
}

std::vector<float> centroid_gradients(const SharedWeights& shared, std::span<const float> grad) {
  if (grad.size() != shared.assignment.size())
    detail::fail("centroid_gradients", fmt::format("{} gradients for {} assignments", grad.size(),
                                                   shared.assignment.size()));
  std::vector<double> sum(shared.centroids.size(), 0.0);
  for (size_t i = 0; i < grad.size(); ++i)
    if (shared.assignment[i] >= 0) sum[static_cast<size_t>(shared.assignment[i])] += grad[i];
  return std::vector<float>(sum.begin(), sum.end());
}

void update_centroids(SharedWeights& shared, std::span<const float> grad, float learning_rate) {
  if (!std::isfinite(learning_rate))
    detail::fail("update_centroids", fmt::format("learning rate {}", learning_rate));
  const std::vector<float> g = centroid_gradients(shared, grad);
  for (size_t k = 0; k < g.size(); ++k) shared.centroids[k] -= learning_rate * g[k];
}

void snap_centroids(SharedWeights& shared, int value_bits) {
  const auto& c = shared.centroids;
  const Quantized z =
      quantize_codebook(FloatTensor({static_cast<int64_t>(c.size())}, c), c, value_bits);
  shared.centroids = dequantize(z.values, z.params).values();
}

Quantized to_codebook(const SharedWeights& shared, int value_bits, const Dims& dims) {
  const char* op = "to_codebook";
  if (element_count(dims) != static_cast<int64_t>(shared.assignment.size()))
    detail::fail(
        op, fmt::format("dims {} for {} weights", dims_to_string(dims), shared.assignment.size()));
  FloatTensor decoded(dims);
  decode_shared(shared, decoded.values());
  std::vector<float> entries = shared.centroids;
  const bool pruned = std::any_of(shared.assignment.begin(), shared.assignment.end(),
                                  [](int32_t a) { return a < 0; });
  if (pruned && std::find(entries.begin(), entries.end(), 0.f) == entries.end())
    entries.push_back(0.f);
  return quantize_codebook(decoded, entries, value_bits);
}

}  // namespace qasim::kernels::qat
