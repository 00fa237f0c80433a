#include "arch/nvdla/accelerator.h"

#include "arch/nvdla/actions.h"
#include "arch/nvdla/compiler.h"
#include "arch/nvdla/cycle_model.h"
#include "arch/nvdla/executor.h"
#include "arch/nvdla/fast_model.h"
#include "arch/nvdla/inventory.h"

namespace qasim::arch::nvdla {

namespace {

template <typename Model>
RunResult run_model(const std::shared_ptr<Model>& model, const NvdlaParams& p) {
  const FastResult timing = model->run();
  RunResult r;
  for (const LayerTiming& l : timing.layers)
    r.layers.push_back({l.name, l.unit == Unit::None ? "" : to_string(l.unit), l.start, l.cycles,
                        l.mac_cycles, l.macs, l.tiles, l.mac_utilization});
  r.cycles = timing.cycles;
  r.seconds = timing.seconds;
  r.frames_per_second = timing.frames_per_second;
  r.utilization = timing.mac_utilization;
  r.stats = std::shared_ptr<const sim::StatsRecorder>(model, &model->recorder());
  r.actions = layer_actions(model->recorder(), p);
  return r;
}

}  // namespace

NvdlaAccelerator::NvdlaAccelerator(std::string name, const NvdlaParams& params)
    : m_name(std::move(name)), m_params(params) {
  NvdlaParams::schema().validate(m_params);
}

std::string NvdlaAccelerator::params_yaml() const {
  return NvdlaParams::schema().to_yaml(m_params);
}

RunResult NvdlaAccelerator::run(const workloads::Graph& graph, Mode mode) const {
  if (mode == Mode::Fast) return run_model(std::make_shared<FastModel>(graph, m_params), m_params);
  auto model = std::make_shared<CycleModel>(graph, m_params);
  model->set_trace(m_trace_path);
  return run_model(model, m_params);
}

std::vector<kernels::IntTensor> NvdlaAccelerator::execute(const workloads::Graph& graph,
                                                          const kernels::IntTensor& input) const {
  return nvdla::execute(graph, compile(graph, m_params), m_params, input);
}

std::vector<sim::cost::InventoryItem> NvdlaAccelerator::inventory() const {
  return nvdla::inventory(m_params);
}

}  // namespace qasim::arch::nvdla
