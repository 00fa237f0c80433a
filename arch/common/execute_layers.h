// The layer loop of every accelerator's functional datapath: out[0] is the input and each
// later layer, in graph order, gets the outputs of its inputs. A layer no unit runs (a
// reinterpretation) is its input reshaped to the layer's shape; any other layer's output
// comes from the model's own `run(i, inputs)`.
#pragma once

#include <vector>

#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::arch {

template <typename IsReinterpretation, typename RunLayer>
std::vector<kernels::IntTensor> execute_layers(const workloads::Graph& graph,
                                               const kernels::IntTensor& input,
                                               IsReinterpretation is_reinterpretation,
                                               RunLayer run) {
  std::vector<kernels::IntTensor> out(graph.layers.size());
  out[0] = input;
  for (size_t i = 1; i < graph.layers.size(); ++i) {
    std::vector<const kernels::IntTensor*> in;
    for (int k : graph.layers[i].inputs) in.push_back(&out[k]);
    if (is_reinterpretation(i)) {
      const workloads::Shape3 os = graph.layers[i].output_shape;
      out[i] = in[0]->reshaped({in[0]->dim(0), os.c, os.h, os.w});
    } else {
      out[i] = run(i, in);
    }
  }
  return out;
}

}  // namespace qasim::arch
