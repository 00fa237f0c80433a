// The NVDLA-style model behind the generic arch::Accelerator interface: the functional
// datapath (executor.h), the fast and the cycle timing models, counts as cost actions.
#pragma once

#include <string>

#include "arch/accelerator.h"
#include "arch/nvdla/params.h"

namespace qasim::arch::nvdla {

class NvdlaAccelerator : public Accelerator {
 public:
  NvdlaAccelerator(std::string name, const NvdlaParams& params);

  const std::string& name() const override { return m_name; }
  double clock_mhz() const override { return m_params.clock_mhz; }
  int64_t peak_macs_per_cycle() const override { return m_params.macs(); }
  kernels::Numerics numerics() const override { return m_params.numerics(); }
  std::string params_yaml() const override;
  RunResult run(const workloads::Graph& graph, Mode mode) const override;
  std::vector<kernels::IntTensor> execute(const workloads::Graph& graph,
                                          const kernels::IntTensor& input) const override;
  std::vector<sim::cost::InventoryItem> inventory() const override;
  void set_trace(const std::string& vcd_path) override { m_trace_path = vcd_path; }

  const NvdlaParams& params() const { return m_params; }

 private:
  std::string m_name;
  NvdlaParams m_params;
  std::string m_trace_path;
};

}  // namespace qasim::arch::nvdla
