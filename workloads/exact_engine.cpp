#include "workloads/exact_engine.h"

#include <fmt/format.h>

#include <stdexcept>

#include "kernels/ops.h"
#include "workloads/errors.h"
#include "workloads/golden_engine.h"

namespace qasim::workloads {

namespace kc = kernels::cuda;

ExactEngine::ExactEngine(const Graph& graph, ExactDevice device,
                         std::optional<kernels::Numerics> numerics)
    : m_graph(graph), m_device(device), m_numerics(numerics.value_or(graph.numerics)) {
  // GoldenEngine's checks (shapes, weights), and its semantics for everything else.
  const GoldenEngine check(m_graph, m_numerics);
  m_graph = check.graph();
  const size_t count = m_graph.layers.size();
  m_plans.resize(count);
  m_last_use.assign(count, count - 1);
  for (size_t i = 0; i < count; ++i)
    for (int in : m_graph.layers[i].inputs) m_last_use[in] = i;
  m_last_use.back() = count;
  for (size_t i = 1; i < count; ++i) {
    const Layer& l = m_graph.layers[i];
    if (l.kind != OpKind::Conv && l.kind != OpKind::FullyConnected) continue;
    const Layer& src = m_graph.layers[l.inputs[0]];
    const auto [lo, hi] =
        kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
    kc::ExactConvPlanResult r;
    try {
      if (l.kind == OpKind::Conv)
        r = kc::plan_exact_conv(src.output_shape.c, src.output_shape.h, src.output_shape.w,
                                src.output_q, l.weights, l.weight_q, l.bias, l.geometry, m_numerics,
                                l.output_q, lo, hi);
      else
        r = kc::plan_exact_fc(src.output_shape.elements(), src.output_q, l.weights, l.weight_q,
                              l.bias, m_numerics, l.output_q, lo, hi);
    } catch (const std::invalid_argument& e) {
      r.reason = e.what();  // the CPU path reports such a layer when it runs
    }
    if (r.plan)
      m_plans[i] = std::move(r.plan);
    else
      m_cpu_reasons.push_back(l.name + ": " + r.reason);
  }
}

int ExactEngine::gpu_layers() const {
  int n = 0;
  for (const auto& p : m_plans) n += p.has_value();
  return n;
}

int ExactEngine::gpu_layers(kc::ExactPath path) const {
  int n = 0;
  for (const auto& p : m_plans) n += p.has_value() && p->path == path;
  return n;
}

std::vector<std::string> ExactEngine::cpu_layers() const {
  return m_cpu_reasons;
}

kernels::IntTensor ExactEngine::run(const kernels::IntTensor& input) {
  const size_t count = m_graph.layers.size();
  const Shape3 in_shape = m_graph.input().output_shape;
  if (input.rank() != 4 || input.dim(1) != in_shape.c || input.dim(2) != in_shape.h ||
      input.dim(3) != in_shape.w)
    throw InputError("input tensor", fmt::format("shape {} does not match the model's input",
                                                 kernels::dims_to_string(input.dims())));
  const int32_t lo = m_graph.input().output_q.qmin(), hi = m_graph.input().output_q.qmax();
  for (int64_t k = 0; k < input.size(); ++k)
    if (input[k] < lo || input[k] > hi)
      throw InputError("input tensor", fmt::format("element {} = {} outside the input's integer "
                                                   "range [{}, {}]",
                                                   k, input[k], lo, hi));
  std::vector<kernels::IntTensor> outputs(count);
  outputs[0] = input;
  for (size_t i = 1; i < count; ++i) {
    const Layer& l = m_graph.layers[i];
    if (m_plans[i]) {
      const kernels::IntTensor& x = outputs[l.inputs[0]];
      const kernels::IntTensor operand =
          l.kind == OpKind::FullyConnected ? x.reshaped({x.dim(0), x.size() / x.dim(0)}) : x;
      kernels::IntTensor y = m_device == ExactDevice::Cuda
                                 ? kc::run_exact_conv_cuda(*m_plans[i], operand)
                                 : kc::run_exact_conv_host(*m_plans[i], operand);
      const Shape3 s = l.output_shape;
      outputs[i] = y.reshaped({y.dim(0), s.c, s.h, s.w});
    } else {
      std::vector<const kernels::IntTensor*> inputs;
      for (int in : l.inputs) inputs.push_back(&outputs[in]);
      outputs[i] = run_layer(m_graph, i, inputs, m_numerics);
    }
    for (int in : l.inputs)
      if (m_last_use[in] == i) outputs[in] = kernels::IntTensor();
  }
  return std::move(outputs.back());
}

}  // namespace qasim::workloads
