// The EIE-style model behind the generic arch::Accelerator interface. EIE's timing follows
// the non-zero pattern of the weights and of the activations, so the model runs the network
// on an input: run_with_input() takes the real input tensor; run(), whose interface has no
// input, times a deterministic synthetic input (synthetic_input()).
#pragma once

#include <string>

#include "arch/common/params_accelerator.h"
#include "arch/eie/params.h"

namespace qasim::arch::eie {

// [1, C, H, W]: each element is the input's zero point (a zero activation) with probability
// 1 - synthetic_activation_density, else uniform over the other codes; seeded.
kernels::IntTensor synthetic_input(const workloads::Graph& graph, const EieParams& params);

class EieAccelerator : public ParamsAccelerator<EieParams> {
 public:
  using ParamsAccelerator::ParamsAccelerator;

  int64_t peak_macs_per_cycle() const override { return m_params.num_pes; }
  RunResult run(const workloads::Graph& graph, Mode mode) const override;
  // Timing of sample 0 of `input` ([N, C, H, W]).
  bool timing_needs_values() const override { return true; }
  RunResult run_with_input(const workloads::Graph& graph, const kernels::IntTensor& input,
                           Mode mode) const override;
  std::vector<kernels::IntTensor> execute(const workloads::Graph& graph,
                                          const kernels::IntTensor& input) const override;
  std::vector<sim::cost::InventoryItem> inventory() const override;
};

}  // namespace qasim::arch::eie
