// Deep Compression (Han et al. 2016), the numeric parts: magnitude pruning to a target
// density, and k-means weight sharing with linear initialisation, whose centroids are
// then fine-tuned with the summed gradients of their members. Plain functions on one
// weight tensor; the trainer owns the schedule (prune, retrain with the mask, share,
// retrain the centroids). Huffman coding is not here (it changes storage, not values).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/quantizers.h"

namespace qasim::kernels::qat {

// Keeps the round(density * n) weights of largest |w| (mask 1) and prunes the rest (mask 0).
// Equal magnitudes at the cut keep the lower index, so the mask is deterministic.
// density in [0, 1]; throws std::invalid_argument otherwise or on a non-finite weight.
std::vector<uint8_t> magnitude_prune_mask(std::span<const float> w, double density);

// Iterative pruning: keeps the round(density * n) weights of largest |w| among those with
// survivors[i] == 1 (n = all weights, so density is the layer's, not the survivors'), so
// the new mask lies within the old one and a weight once pruned stays pruned. Ties as above.
// Throws std::invalid_argument when more weights are asked for than survive.
std::vector<uint8_t> magnitude_prune_mask(std::span<const float> w, double density,
                                          std::span<const uint8_t> survivors);

// values[i] = 0 where mask[i] == 0: applied to the weights after each update and to their
// gradients, so pruned weights stay zero while retraining. Sizes must match.
void apply_mask(std::span<float> values, std::span<const uint8_t> mask);

// Weight sharing: every surviving weight is replaced by one of k = 2^bits centroids.
struct SharedWeights {
  std::vector<float> centroids;     // k values, ascending
  std::vector<int32_t> assignment;  // per weight: its centroid, or -1 where pruned
  int iterations = 0;               // Lloyd iterations run until the assignment settled
};

// k-means (Lloyd) over the weights with mask 1 (all weights when mask is empty), k = 2^bits
// (bits 1..8). Linear initialisation: centroid j = min + j (max - min) / (k - 1) over the
// surviving weights. Each weight goes to the nearest centroid (the lower one on a tie); each
// centroid moves to the mean of its members (summed in order in double; an empty cluster
// keeps its centroid); repeat until no assignment changes or max_iterations. Deterministic.
// No surviving weight: all centroids 0, every assignment -1.
SharedWeights share_weights(std::span<const float> w, int bits, std::span<const uint8_t> mask = {},
                            int max_iterations = 100);

// The same with any number of clusters (1..256): an EIE-style codebook reserves index 0 for
// zero, so a b-bit index leaves 2^b - 1 clusters for the surviving weights.
SharedWeights share_weights_clusters(std::span<const float> w, int clusters,
                                     std::span<const uint8_t> mask = {}, int max_iterations = 100);

// The shared weight of each element: centroids[assignment[i]], 0 where pruned.
void decode_shared(const SharedWeights& shared, std::span<float> w);

// Han et al.'s centroid gradient: the sum of the gradients of each cluster's members
// (pruned elements contribute nothing). grad has one entry per weight.
std::vector<float> centroid_gradients(const SharedWeights& shared, std::span<const float> grad);

// One fine-tuning step of the shared weights (Han et al.): centroid -= learning_rate * its
// centroid_gradients() entry. The assignment stays fixed, as in the paper, so the order of
// the centroids may change; nothing downstream relies on it.
void update_centroids(SharedWeights& shared, std::span<const float> grad, float learning_rate);

// Replaces each centroid by its image on the integer codebook grid of quantize_codebook
// (value_bits signed bits, shared power-of-two scale), so that decode_shared() then equals
// dequantize(to_codebook()) exactly. Call it before the final evaluation.
void snap_centroids(SharedWeights& shared, int value_bits);

// The integer form for the golden reference: a Codebook over the centroids (plus a 0 entry
// when some weights are pruned, which may take one more index bit), value_bits signed bits
// per entry (kernels::quantize_codebook). dims: the weight tensor's shape.
Quantized to_codebook(const SharedWeights& shared, int value_bits, const Dims& dims);

}  // namespace qasim::kernels::qat
