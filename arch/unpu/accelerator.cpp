#include "arch/unpu/accelerator.h"

#include "arch/unpu/actions.h"
#include "arch/unpu/compiler.h"
#include "arch/unpu/cycle_model.h"
#include "arch/unpu/executor.h"
#include "arch/unpu/fast_model.h"
#include "arch/unpu/inventory.h"

namespace qasim::arch::unpu {

namespace {

template <typename Model>
RunResult run_model(const std::shared_ptr<Model>& model, const UnpuParams& p) {
  const TimingResult timing = model->run();
  RunResult r;
  for (const LayerTiming& l : timing.layers)
    r.layers.push_back({l.name, l.unit == Unit::None ? "" : to_string(l.unit), l.start, l.cycles,
                        l.core_cycles, l.macs, l.tiles, l.utilization});
  r.cycles = timing.cycles;
  r.seconds = timing.seconds;
  r.frames_per_second = timing.frames_per_second;
  r.utilization = timing.utilization;
  r.stats = std::shared_ptr<const sim::StatsRecorder>(model, &model->recorder());
  r.actions = layer_actions(model->recorder(), p);
  return r;
}

}  // namespace

UnpuAccelerator::UnpuAccelerator(std::string name, const UnpuParams& params)
    : m_name(std::move(name)), m_params(params) {
  UnpuParams::schema().validate(m_params);
}

int64_t UnpuAccelerator::peak_macs_per_cycle() const {
  return static_cast<int64_t>(m_params.peak_macs_per_cycle(m_params.max_weight_bits));
}

std::string UnpuAccelerator::params_yaml() const {
  return UnpuParams::schema().to_yaml(m_params);
}

RunResult UnpuAccelerator::run(const workloads::Graph& graph, Mode mode) const {
  if (mode == Mode::Fast) return run_model(std::make_shared<FastModel>(graph, m_params), m_params);
  return run_model(std::make_shared<CycleModel>(graph, m_params), m_params);
}

std::vector<kernels::IntTensor> UnpuAccelerator::execute(const workloads::Graph& graph,
                                                         const kernels::IntTensor& input) const {
  return unpu::execute(graph, compile(graph, m_params), m_params, input);
}

std::vector<sim::cost::InventoryItem> UnpuAccelerator::inventory() const {
  return unpu::inventory(m_params);
}

}  // namespace qasim::arch::unpu
