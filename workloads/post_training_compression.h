// Deep Compression without training, on an integer graph: each weighted layer's weights
// (dequantized) are magnitude-pruned to a density and the survivors shared by k-means
// (linear init) into 2^codebook_bits - 1 values; with the pruned weights' zero that fills
// a codebook_bits-bit index exactly, the format of EIE (index 0 = zero). For untrained
// sweep points and benchmarks; `qasim compress` does the same with fine-tuning.
#pragma once

#include <cstdint>

#include "workloads/graph.h"

namespace qasim::workloads {

struct PostTrainingCompression {
  double density = 1.0;      // fraction of each layer's weights kept, (0, 1]
  int codebook_bits = 4;     // 2..8: 2^bits - 1 shared non-zero values per layer
  int value_bits = 16;       // signed bits of a decoded codebook entry (EIE: 16)
  bool prune_first = false;  // the first weighted layer is shared but kept dense: it has
                             // few weights and pruning it costs the most accuracy
};

struct CompressionCounts {
  int64_t weights = 0;
  int64_t nonzero = 0;
};

// Rewrites the weights of every weighted layer with a Codebook scheme (per tensor) and
// rescales its integer bias to the new weight scale. Throws InputError for a density or
// bit count out of range, and for a layer whose weights are all zero.
CompressionCounts compress_weights(Graph& graph, const PostTrainingCompression& options);

}  // namespace qasim::workloads
