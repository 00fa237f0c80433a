#include "arch/eie/accelerator.h"

#include <random>

#include "arch/common/run_model.h"
#include "arch/eie/actions.h"
#include "arch/eie/compiler.h"
#include "arch/eie/cycle_model.h"
#include "arch/eie/executor.h"
#include "arch/eie/fast_model.h"
#include "arch/eie/inventory.h"

namespace qasim::arch::eie {

namespace {

LayerResult layer_row(const LayerTiming& l) {
  return {.name = l.name,
          .unit = to_string(l.unit),
          .start = l.start,
          .cycles = l.cycles,
          .busy_cycles = l.busiest_pe,
          .macs = l.macs,
          .tiles = l.spmvs,
          .utilization = l.mac_utilization};
}

double utilization(const EieResult& r) {
  return r.mac_utilization;
}

}  // namespace

kernels::IntTensor synthetic_input(const workloads::Graph& graph, const EieParams& p) {
  const workloads::Layer& in = graph.input();
  const workloads::Shape3 s = in.output_shape;
  const int32_t zp = in.output_q.zero_point_at(0);
  const int32_t lo = in.output_q.qmin(), hi = in.output_q.qmax();
  std::mt19937 rng(static_cast<uint32_t>(p.synthetic_seed));
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  kernels::IntTensor x({1, s.c, s.h, s.w});
  for (int64_t k = 0; k < x.size(); ++k) {
    int32_t v = zp;
    if (coin(rng) < p.synthetic_activation_density && hi > lo)
      while (v == zp) v = lo + static_cast<int32_t>(rng() % static_cast<uint32_t>(hi - lo + 1));
    x[k] = v;
  }
  return x;
}

RunResult EieAccelerator::run(const workloads::Graph& graph, Mode mode) const {
  workloads::Graph g = graph;
  g.infer_shapes();
  return run_with_input(g, synthetic_input(g, m_params), mode);
}

RunResult EieAccelerator::run_with_input(const workloads::Graph& graph,
                                         const kernels::IntTensor& input, Mode mode) const {
  if (mode == Mode::Fast)
    return run_model(std::make_shared<FastModel>(graph, m_params, input), m_params, layer_row,
                     utilization);
  return run_model(std::make_shared<CycleModel>(graph, m_params, input), m_params, layer_row,
                   utilization);
}

std::vector<kernels::IntTensor> EieAccelerator::execute(const workloads::Graph& graph,
                                                        const kernels::IntTensor& input) const {
  return eie::execute(graph, compile(graph, m_params), m_params, input);
}

std::vector<sim::cost::InventoryItem> EieAccelerator::inventory() const {
  return eie::inventory(m_params);
}

}  // namespace qasim::arch::eie
