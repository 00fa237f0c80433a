#include "arch/unpu/accelerator.h"

#include "arch/common/run_model.h"
#include "arch/unpu/actions.h"
#include "arch/unpu/compiler.h"
#include "arch/unpu/cycle_model.h"
#include "arch/unpu/executor.h"
#include "arch/unpu/fast_model.h"
#include "arch/unpu/inventory.h"

namespace qasim::arch::unpu {

namespace {

LayerResult layer_row(const LayerTiming& l) {
  return {.name = l.name,
          .unit = l.unit == Unit::None ? "" : to_string(l.unit),
          .start = l.start,
          .cycles = l.cycles,
          .busy_cycles = l.core_cycles,
          .macs = l.macs,
          .tiles = l.tiles,
          .utilization = l.utilization};
}

double utilization(const TimingResult& r) {
  return r.utilization;
}

}  // namespace

int64_t UnpuAccelerator::peak_macs_per_cycle() const {
  return static_cast<int64_t>(m_params.peak_macs_per_cycle(m_params.max_weight_bits));
}

RunResult UnpuAccelerator::run(const workloads::Graph& graph, Mode mode) const {
  if (mode == Mode::Fast)
    return run_model(std::make_shared<FastModel>(graph, m_params), m_params, layer_row,
                     utilization);
  return run_model(std::make_shared<CycleModel>(graph, m_params), m_params, layer_row, utilization);
}

std::vector<kernels::IntTensor> UnpuAccelerator::execute(const workloads::Graph& graph,
                                                         const kernels::IntTensor& input) const {
  return unpu::execute(graph, compile(graph, m_params), m_params, input);
}

std::vector<sim::cost::InventoryItem> UnpuAccelerator::inventory() const {
  return unpu::inventory(m_params);
}

}  // namespace qasim::arch::unpu
