// Integer inference with the convolutions and fully connected layers on the exact CUDA
// kernels (kernels/cuda/exact_conv.h) and every other layer on the golden reference's CPU ops
// (run_layer): the same integers as GoldenEngine::run, bit for bit, so accuracy on a whole
// test set can be scored on a GPU. A conv/FC layer the kernels cannot compute exactly (wider
// than 8-bit weights, a possible int32 overflow) stays on the CPU; cpu_layers() says which
// and why.
//
// HostEmulation runs the kernels' own per-output code on the CPU instead of the GPU: the host
// tests use it to prove the whole-graph path (planning, packing, FC flattening) equal to the
// golden engine; Cuda needs a device (kernels/cuda/runtime.h) and throws std::runtime_error
// without one. Each conv/FC call copies its input to the GPU and its output back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernels/cuda/exact_conv.h"
#include "kernels/numerics.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::workloads {

enum class ExactDevice { Cuda, HostEmulation };

class ExactEngine {
 public:
  // Throws InputError like GoldenEngine for an inconsistent graph or one without weights.
  ExactEngine(const Graph& graph, ExactDevice device,
              std::optional<kernels::Numerics> numerics = {});

  // The last layer's output for a batch [N, C, H, W] (GoldenEngine::run's result).
  kernels::IntTensor run(const kernels::IntTensor& input);

  int gpu_layers() const;                               // conv/FC layers on the exact kernels
  int gpu_layers(kernels::cuda::ExactPath path) const;  // of those, the ones on `path`
  std::vector<std::string> cpu_layers() const;  // "name: reason" of conv/FC layers that are not

 private:
  Graph m_graph;
  ExactDevice m_device;
  kernels::Numerics m_numerics;
  std::vector<std::optional<kernels::cuda::ExactConvPlan>> m_plans;  // per layer
  std::vector<std::string> m_cpu_reasons;
  std::vector<size_t> m_last_use;
};

}  // namespace qasim::workloads
