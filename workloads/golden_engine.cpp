#include "workloads/golden_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "kernels/ops.h"
#include "workloads/errors.h"

namespace qasim::workloads {

using kernels::IntTensor;
using kernels::Numerics;
using kernels::QuantParams;

namespace {

// Activations travel as [N, C, H, W]; FC and global pooling yield [N, C, 1, 1].
IntTensor as_nchw(IntTensor t, const Shape3& shape) {
  const int64_t n = t.dim(0);
  return t.reshaped({n, shape.c, shape.h, shape.w});
}

IntTensor concat_channels(const std::vector<IntTensor>& parts) {
  const int64_t n = parts[0].dim(0), h = parts[0].dim(2), w = parts[0].dim(3);
  int64_t channels = 0;
  for (const IntTensor& p : parts) channels += p.dim(1);
  IntTensor out({n, channels, h, w});
  const int64_t plane = h * w;
  for (int64_t b = 0; b < n; ++b) {
    int32_t* dst = out.data() + b * channels * plane;
    for (const IntTensor& p : parts) {
      const int64_t count = p.dim(1) * plane;
      std::copy_n(p.data() + b * count, count, dst);
      dst += count;
    }
  }
  return out;
}

}  // namespace

IntTensor run_layer(const Graph& graph, size_t i, const std::vector<const IntTensor*>& inputs,
                    const Numerics& numerics) {
  const Layer& l = graph.layers[i];
  const auto in_q = [&](size_t k) -> const QuantParams& {
    return graph.layers[l.inputs[k]].output_q;
  };
  const auto [lo, hi] = kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
  switch (l.kind) {
    case OpKind::Input:
      return *inputs[0];
    case OpKind::Conv: {
      kernels::AccTensor acc = kernels::conv2d_accumulate(*inputs[0], in_q(0), l.weights,
                                                          l.weight_q, l.bias, l.geometry);
      kernels::apply_overflow(acc, numerics.accumulator);
      return kernels::Requantizer(numerics, in_q(0).scale[0], l.weight_q.scale, l.output_q, lo, hi)
          .apply(acc);
    }
    case OpKind::FullyConnected: {
      const IntTensor& x = *inputs[0];
      const IntTensor flat = x.reshaped({x.dim(0), x.size() / x.dim(0)});
      kernels::AccTensor acc = kernels::fc_accumulate(flat, in_q(0), l.weights, l.weight_q, l.bias);
      kernels::apply_overflow(acc, numerics.accumulator);
      const IntTensor y =
          kernels::Requantizer(numerics, in_q(0).scale[0], l.weight_q.scale, l.output_q, lo, hi)
              .apply(acc);
      return as_nchw(y, l.output_shape);
    }
    case OpKind::MaxPool: {
      IntTensor y = kernels::max_pool(*inputs[0], l.geometry);
      return l.output_q == in_q(0) ? y : kernels::rescale(y, in_q(0), l.output_q, numerics);
    }
    case OpKind::AvgPool:
      return kernels::avg_pool(*inputs[0], in_q(0), l.geometry, l.count_include_pad, l.output_q,
                               numerics);
    case OpKind::GlobalAvgPool:
      return as_nchw(kernels::global_avg_pool(*inputs[0], in_q(0), l.output_q, numerics),
                     l.output_shape);
    case OpKind::Add:
      return kernels::add(*inputs[0], in_q(0), *inputs[1], in_q(1), l.output_q, numerics, lo, hi);
    case OpKind::Concat: {
      std::vector<IntTensor> parts;
      for (size_t k = 0; k < inputs.size(); ++k)
        parts.push_back(in_q(k) == l.output_q
                            ? *inputs[k]
                            : kernels::rescale(*inputs[k], in_q(k), l.output_q, numerics));
      return concat_channels(parts);
    }
    case OpKind::Flatten: {
      IntTensor y = as_nchw(*inputs[0], l.output_shape);
      return l.output_q == in_q(0) ? y : kernels::rescale(y, in_q(0), l.output_q, numerics);
    }
  }
  throw std::logic_error("run_layer: unknown op");
}

GoldenEngine::GoldenEngine(const Graph& graph, std::optional<Numerics> numerics)
    : m_graph(graph), m_numerics(numerics.value_or(graph.numerics)) {
  m_graph.infer_shapes();
  m_graph.validate();
  if (!m_graph.has_weights())
    throw InputError(fmt::format("model '{}'", m_graph.name),
                     "has no weights (a shape-only model cannot be run)");
  m_last_use.assign(m_graph.layers.size(), m_graph.layers.size() - 1);
  for (size_t i = 0; i < m_graph.layers.size(); ++i)
    for (int in : m_graph.layers[i].inputs) m_last_use[in] = i;
  m_last_use.back() = m_graph.layers.size();  // the output is kept
  m_profile.assign(m_graph.layers.size(), {});
}

void GoldenEngine::check_input(const IntTensor& input) const {
  const Layer& in = m_graph.input();
  const Shape3 s = in.output_shape;
  if (input.rank() != 4 || input.dim(1) != s.c || input.dim(2) != s.h || input.dim(3) != s.w)
    throw InputError("input tensor",
                     fmt::format("shape {} does not match the model's input Nx{}x{}x{}",
                                 kernels::dims_to_string(input.dims()), s.c, s.h, s.w));
  const int32_t lo = in.output_q.qmin(), hi = in.output_q.qmax();
  for (int64_t k = 0; k < input.size(); ++k)
    if (input[k] < lo || input[k] > hi)
      throw InputError("input tensor", fmt::format("element {} = {} outside the input's integer "
                                                   "range [{}, {}]",
                                                   k, input[k], lo, hi));
}

std::vector<IntTensor> GoldenEngine::execute(const IntTensor& input, bool keep_all) {
  check_input(input);
  const size_t count = m_graph.layers.size();
  std::vector<IntTensor> outputs(count);
  outputs[0] = input;
  for (size_t i = 1; i < count; ++i) {
    const Layer& l = m_graph.layers[i];
    std::vector<const IntTensor*> inputs;
    for (int in : l.inputs) inputs.push_back(&outputs[in]);
    const auto start = std::chrono::steady_clock::now();
    outputs[i] = run_layer(m_graph, i, inputs, m_numerics);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    LayerProfile& p = m_profile[i];
    p.seconds += took.count();
    p.macs += m_graph.layer_macs(i) * input.dim(0);
    const auto [mn, mx] =
        std::minmax_element(outputs[i].values().begin(), outputs[i].values().end());
    p.out_min = outputs[i].empty() ? 0 : *mn;
    p.out_max = outputs[i].empty() ? 0 : *mx;
    if (!keep_all)
      for (int in : l.inputs)
        if (m_last_use[in] == i) outputs[in] = IntTensor();
  }
  return outputs;
}

std::vector<IntTensor> GoldenEngine::run_all(const IntTensor& input) {
  return execute(input, true);
}

IntTensor GoldenEngine::run(const IntTensor& input) {
  return std::move(execute(input, false).back());
}

std::vector<int32_t> argmax_classes(const IntTensor& logits) {
  const int64_t n = logits.dim(0), c = logits.size() / n;
  std::vector<int32_t> classes(n);
  for (int64_t b = 0; b < n; ++b) {
    const int32_t* row = logits.data() + b * c;
    classes[b] = static_cast<int32_t>(std::max_element(row, row + c) - row);
  }
  return classes;
}

}  // namespace qasim::workloads
