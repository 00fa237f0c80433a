#include "workloads/post_training_compression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/qat/compression.h"
#include "kernels/quantizers.h"
#include "workloads/errors.h"

namespace qasim::workloads {

CompressionCounts compress_weights(Graph& graph, const PostTrainingCompression& o) {
  const std::string where = fmt::format("model '{}'", graph.name);
  if (!(o.density > 0 && o.density <= 1))
    throw InputError(where, fmt::format("density {} outside (0, 1]", o.density));
  if (o.codebook_bits < 2 || o.codebook_bits > 8)
    throw InputError(where, fmt::format("codebook bits {} outside [2, 8]", o.codebook_bits));
  if (o.value_bits < 2 || o.value_bits > 16)
    throw InputError(where, fmt::format("codebook entry bits {} outside [2, 16]", o.value_bits));
  CompressionCounts counts;
  bool first = true;
  for (Layer& l : graph.layers) {
    if (!l.has_weights() || l.fixed_weights) continue;
    const kernels::FloatTensor w = kernels::dequantize(l.weights, l.weight_q);
    const double density = first && !o.prune_first ? 1.0 : o.density;
    first = false;
    const std::vector<uint8_t> mask = kernels::qat::magnitude_prune_mask(w.values(), density);
    // Index 0 is kept for zero (pruned weights, EIE's padding entries): 2^bits - 1 values.
    const kernels::qat::SharedWeights shared =
        kernels::qat::share_weights_clusters(w.values(), (1 << o.codebook_bits) - 1, mask);
    const kernels::Quantized q = kernels::qat::to_codebook(shared, o.value_bits, w.dims());
    const double new_scale = q.params.scale[0];
    if (!(new_scale > 0))
      throw InputError(where, fmt::format("layer '{}': no weight survives pruning", l.name));
    constexpr double lim = std::numeric_limits<int32_t>::max();
    for (size_t c = 0; c < l.bias.size(); ++c) {
      const double b =
          static_cast<double>(l.bias[c]) * l.weight_q.scale_at(static_cast<int64_t>(c)) / new_scale;
      l.bias[c] = static_cast<int32_t>(std::llround(std::clamp(b, -lim, lim)));
    }
    l.weight_q = q.params;
    l.weights = q.values;
    counts.weights += q.values.size();
    for (int64_t i = 0; i < q.values.size(); ++i) counts.nonzero += q.values[i] != 0;
  }
  return counts;
}

}  // namespace qasim::workloads
