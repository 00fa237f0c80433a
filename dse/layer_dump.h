// Every layer's integer output as .npy files plus a manifest, the format numpy and
// PyTorch users read; `qasim infer` and `qasim simulate` write the same files so their
// dumps can be compared file for file.
#pragma once

#include <string>
#include <vector>

#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::dse {

void dump_layer_outputs(const std::string& dir, const workloads::Graph& graph,
                        const std::vector<kernels::IntTensor>& outputs);

}  // namespace qasim::dse
