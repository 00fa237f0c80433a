// The UNPU-style model behind the generic arch::Accelerator interface: the bit-serial LUT
// datapath (executor.h), the fast and the cycle timing models, counts as cost actions.
#pragma once

#include <string>

#include "arch/common/params_accelerator.h"
#include "arch/unpu/params.h"

namespace qasim::arch::unpu {

class UnpuAccelerator : public ParamsAccelerator<UnpuParams> {
 public:
  using ParamsAccelerator::ParamsAccelerator;

  // At max_weight_bits-wide weights (864 on the preset, 345.6 GOPS at 200 MHz); narrower
  // weights run faster: UnpuParams::peak_macs_per_cycle(bits).
  int64_t peak_macs_per_cycle() const override;
  RunResult run(const workloads::Graph& graph, Mode mode) const override;
  std::vector<kernels::IntTensor> execute(const workloads::Graph& graph,
                                          const kernels::IntTensor& input) const override;
  std::vector<sim::cost::InventoryItem> inventory() const override;
};

}  // namespace qasim::arch::unpu
