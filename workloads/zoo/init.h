// Internal to the zoo: gives a structurally complete graph its per-layer precision and,
// optionally, seeded random quantized weights.
#pragma once

#include <vector>

#include "workloads/graph.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads::zoo {

// `gains` has one He-std multiplier per layer (ZooBuilder::gains()).
void assign_precision_and_weights(Graph& graph, const std::vector<float>& gains,
                                  const ZooOptions& options, bool with_weights);

// The integer values a `bits`-bit codebook index decodes to: evenly spread over the int8
// grid, as Deep Compression's linear initialisation of the shared weights.
std::vector<int32_t> linear_codebook(int bits);

}  // namespace qasim::workloads::zoo
