#include "arch/nvdla/accelerator.h"

#include "arch/common/run_model.h"
#include "arch/nvdla/actions.h"
#include "arch/nvdla/compiler.h"
#include "arch/nvdla/cycle_model.h"
#include "arch/nvdla/executor.h"
#include "arch/nvdla/fast_model.h"
#include "arch/nvdla/inventory.h"

namespace qasim::arch::nvdla {

namespace {

LayerResult layer_row(const LayerTiming& l) {
  return {.name = l.name,
          .unit = l.unit == Unit::None ? "" : to_string(l.unit),
          .start = l.start,
          .cycles = l.cycles,
          .busy_cycles = l.mac_cycles,
          .macs = l.macs,
          .tiles = l.tiles,
          .utilization = l.mac_utilization};
}

double utilization(const FastResult& r) {
  return r.mac_utilization;
}

}  // namespace

RunResult NvdlaAccelerator::run(const workloads::Graph& graph, Mode mode) const {
  if (mode == Mode::Fast)
    return run_model(std::make_shared<FastModel>(graph, m_params), m_params, layer_row,
                     utilization);
  auto model = std::make_shared<CycleModel>(graph, m_params);
  model->set_trace(m_trace_path);
  return run_model(model, m_params, layer_row, utilization);
}

std::vector<kernels::IntTensor> NvdlaAccelerator::execute(const workloads::Graph& graph,
                                                          const kernels::IntTensor& input) const {
  return nvdla::execute(graph, compile(graph, m_params), m_params, input);
}

std::vector<sim::cost::InventoryItem> NvdlaAccelerator::inventory() const {
  return nvdla::inventory(m_params);
}

}  // namespace qasim::arch::nvdla
