// The golden reference: runs a quantized graph on integer inputs and returns every
// layer's integer output. Every accelerator model must reproduce these tensors bit for bit.
#pragma once

#include <optional>
#include <vector>

#include "kernels/numerics.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::workloads {

struct LayerProfile {
  double seconds = 0;   // host time spent in the layer, summed over runs
  int64_t macs = 0;     // multiply-accumulates performed, summed over runs
  int32_t out_min = 0;  // range of the integers produced in the last run
  int32_t out_max = 0;
};

// Runs layer `i` of `graph` on its input tensors (each [N, C, H, W]) with `numerics`.
kernels::IntTensor run_layer(const Graph& graph, size_t i,
                             const std::vector<const kernels::IntTensor*>& inputs,
                             const kernels::Numerics& numerics);

class GoldenEngine {
 public:
  // `numerics` overrides the arithmetic the model was made with (to see what another
  // requantization mode or accumulator width would do). Throws InputError if the graph
  // is inconsistent or has no weights.
  explicit GoldenEngine(const Graph& graph, std::optional<kernels::Numerics> numerics = {});

  // Every layer's output for a batch [N, C, H, W] of input integers (index = layer index;
  // entry 0 is the input itself).
  std::vector<kernels::IntTensor> run_all(const kernels::IntTensor& input);
  // Only the last layer's output; intermediates are freed as soon as no layer needs them.
  kernels::IntTensor run(const kernels::IntTensor& input);

  const Graph& graph() const { return m_graph; }
  const kernels::Numerics& numerics() const { return m_numerics; }
  const std::vector<LayerProfile>& profile() const { return m_profile; }

 private:
  std::vector<kernels::IntTensor> execute(const kernels::IntTensor& input, bool keep_all);
  void check_input(const kernels::IntTensor& input) const;

  Graph m_graph;
  kernels::Numerics m_numerics;
  std::vector<size_t> m_last_use;  // index of the last layer reading each layer's output
  std::vector<LayerProfile> m_profile;
};

// Index of the largest logit per sample ([N, C, 1, 1] or [N, C]); ties pick the lowest.
std::vector<int32_t> argmax_classes(const kernels::IntTensor& logits);

}  // namespace qasim::workloads
