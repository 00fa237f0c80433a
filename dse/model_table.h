// The per-layer table of a model: shapes, precision, MACs and parameters.
#pragma once

#include <string>

#include "workloads/graph.h"

namespace qasim::dse {

// One line per layer, then totals; the graph's shapes must be inferred.
std::string model_table(const workloads::Graph& graph);
// "w4 uniform/ch" style summary of a weight quantization.
std::string describe_weights(const workloads::Layer& layer);
// "u8", "i4", "bin": the integers of an activation.
std::string output_precision(const kernels::QuantParams& q);

}  // namespace qasim::dse
