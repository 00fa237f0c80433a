// The NVDLA-style model behind the generic arch::Accelerator interface: the functional
// datapath (executor.h), the fast and the cycle timing models, counts as cost actions.
#pragma once

#include <string>

#include "arch/common/params_accelerator.h"
#include "arch/nvdla/params.h"

namespace qasim::arch::nvdla {

class NvdlaAccelerator : public ParamsAccelerator<NvdlaParams> {
 public:
  using ParamsAccelerator::ParamsAccelerator;

  int64_t peak_macs_per_cycle() const override { return m_params.macs(); }
  RunResult run(const workloads::Graph& graph, Mode mode) const override;
  std::vector<kernels::IntTensor> execute(const workloads::Graph& graph,
                                          const kernels::IntTensor& input) const override;
  std::vector<sim::cost::InventoryItem> inventory() const override;
  void set_trace(const std::string& vcd_path) override { m_trace_path = vcd_path; }

 private:
  std::string m_trace_path;
};

}  // namespace qasim::arch::nvdla
