#include "workloads/graph.h"

#include <fmt/format.h>

#include "workloads/errors.h"

namespace qasim::workloads {

using kernels::IntTensor;

std::string to_string(OpKind k) {
  switch (k) {
    case OpKind::Input:
      return "input";
    case OpKind::Conv:
      return "conv";
    case OpKind::FullyConnected:
      return "fc";
    case OpKind::MaxPool:
      return "maxpool";
    case OpKind::AvgPool:
      return "avgpool";
    case OpKind::GlobalAvgPool:
      return "gap";
    case OpKind::Add:
      return "add";
    case OpKind::Concat:
      return "concat";
    case OpKind::Flatten:
      return "flatten";
  }
  return "?";
}

std::string to_string(const Shape3& s) {
  return fmt::format("{}x{}x{}", s.c, s.h, s.w);
}

int Graph::find(const std::string& layer_name) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layer_name) return static_cast<int>(i);
  return -1;
}

namespace {

size_t expected_inputs(OpKind k) {
  switch (k) {
    case OpKind::Input:
      return 0;
    case OpKind::Add:
      return 2;
    case OpKind::Concat:
      return 0;  // any number >= 2, checked separately
    default:
      return 1;
  }
}

}  // namespace

std::vector<Shape3> Graph::compute_shapes() const {
  auto fail = [this](size_t i, const std::string& problem) {
    const std::string where =
        i < layers.size() ? fmt::format("model '{}', layer {} '{}'", name, i, layers[i].name)
                          : fmt::format("model '{}'", name);
    throw InputError(where, problem);
  };
  if (layers.empty() || layers[0].kind != OpKind::Input)
    fail(0, "the first layer must be the input");
  std::vector<Shape3> shapes(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    if (i > 0 && l.kind == OpKind::Input) fail(i, "only the first layer may be an input");
    if (l.kind == OpKind::Concat) {
      if (l.inputs.size() < 2) fail(i, "concat needs at least two inputs");
    } else if (l.inputs.size() != expected_inputs(l.kind)) {
      fail(i, fmt::format("{} takes {} input(s), has {}", to_string(l.kind),
                          expected_inputs(l.kind), l.inputs.size()));
    }
    for (int in : l.inputs)
      if (in < 0 || static_cast<size_t>(in) >= i)
        fail(i, fmt::format("input index {} is not an earlier layer", in));
    if (l.kind == OpKind::Input) {
      if (l.output_shape.c <= 0 || l.output_shape.h <= 0 || l.output_shape.w <= 0)
        fail(i, "input shape must be positive, got " + to_string(l.output_shape));
      shapes[i] = l.output_shape;
      continue;
    }
    const Shape3 in = shapes[l.inputs[0]];
    const kernels::ConvGeometry& g = l.geometry;
    auto spatial = [&](Shape3 s, int channels) {
      if (g.kernel_h <= 0 || g.kernel_w <= 0 || g.stride_h <= 0 || g.stride_w <= 0 ||
          g.dilation_h <= 0 || g.dilation_w <= 0 || g.pad_top < 0 || g.pad_left < 0 ||
          g.pad_bottom < 0 || g.pad_right < 0)
        fail(i, "kernel, stride and dilation must be positive and padding non-negative");
      Shape3 out{channels, g.out_h(s.h), g.out_w(s.w)};
      if (out.h <= 0 || out.w <= 0)
        fail(i, fmt::format("window {}x{} does not fit input {}", g.kernel_h, g.kernel_w,
                            to_string(s)));
      return out;
    };
    switch (l.kind) {
      case OpKind::Conv:
        if (l.out_channels <= 0) fail(i, "conv needs out_channels > 0");
        if (g.groups <= 0 || in.c % g.groups != 0 || l.out_channels % g.groups != 0)
          fail(i, fmt::format("groups {} must divide in channels {} and out channels {}", g.groups,
                              in.c, l.out_channels));
        shapes[i] = spatial(in, l.out_channels);
        break;
      case OpKind::FullyConnected:
        if (l.out_channels <= 0) fail(i, "fc needs out_channels > 0");
        shapes[i] = {l.out_channels, 1, 1};
        break;
      case OpKind::MaxPool:
      case OpKind::AvgPool:
        if (g.groups != 1) fail(i, "pooling has no groups");
        shapes[i] = spatial(in, in.c);
        break;
      case OpKind::GlobalAvgPool:
        shapes[i] = {in.c, 1, 1};
        break;
      case OpKind::Flatten:
        shapes[i] = {static_cast<int>(in.elements()), 1, 1};
        break;
      case OpKind::Add: {
        const Shape3 other = shapes[l.inputs[1]];
        if (!(other == in))
          fail(i,
               fmt::format("add of mismatched shapes {} and {}", to_string(in), to_string(other)));
        shapes[i] = in;
        break;
      }
      case OpKind::Concat: {
        Shape3 out = in;
        out.c = 0;
        for (int src : l.inputs) {
          const Shape3 s = shapes[src];
          if (s.h != in.h || s.w != in.w)
            fail(i, fmt::format("concat of mismatched spatial shapes {} and {}", to_string(in),
                                to_string(s)));
          out.c += s.c;
        }
        shapes[i] = out;
        break;
      }
      case OpKind::Input:
        break;
    }
  }
  return shapes;
}

void Graph::infer_shapes() {
  const std::vector<Shape3> shapes = compute_shapes();
  for (size_t i = 0; i < layers.size(); ++i) layers[i].output_shape = shapes[i];
}

bool Graph::has_weights() const {
  for (const Layer& l : layers)
    if (l.has_weights() && l.weights.empty()) return false;
  return true;
}

void Graph::validate() const {
  const std::vector<Shape3> shapes = compute_shapes();  // no copy of the weights
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    const std::string where = fmt::format("model '{}', layer {} '{}'", name, i, l.name);
    try {
      l.output_q.validate(where + " output");
      if (l.output_q.per_channel())
        throw InputError(where, "activations must be quantized per tensor");
      if (!l.has_weights()) continue;
      l.weight_q.validate(where + " weights");
      if (l.weights.empty()) continue;
      const Shape3 in = shapes[l.inputs[0]];
      kernels::Dims want;
      if (l.kind == OpKind::Conv)
        want = {l.out_channels, in.c / l.geometry.groups, l.geometry.kernel_h, l.geometry.kernel_w};
      else
        want = {l.out_channels, in.elements()};
      if (l.weights.dims() != want)
        throw InputError(where, fmt::format("weights are {}, expected {}",
                                            kernels::dims_to_string(l.weights.dims()),
                                            kernels::dims_to_string(want)));
      if (static_cast<int>(l.bias.size()) != (l.has_bias ? l.out_channels : 0))
        throw InputError(where, fmt::format("{} biases for {} output channels (has_bias {})",
                                            l.bias.size(), l.out_channels, l.has_bias));
      if (l.weight_q.per_channel() && static_cast<int>(l.weight_q.scale.size()) != l.out_channels)
        throw InputError(where, fmt::format("{} weight scales for {} output channels",
                                            l.weight_q.scale.size(), l.out_channels));
      const int32_t lo = l.weight_q.qmin(), hi = l.weight_q.qmax();
      for (int64_t k = 0; k < l.weights.size(); ++k)
        if (l.weights[k] < lo || l.weights[k] > hi)
          throw InputError(where,
                           fmt::format("weight {} = {} outside [{}, {}]", k, l.weights[k], lo, hi));
    } catch (const std::invalid_argument& e) {
      throw InputError(where, e.what());
    }
  }
}

int64_t Graph::layer_macs(size_t i) const {
  const Layer& l = layers.at(i);
  if (l.kind == OpKind::Conv) {
    const int in_c = layers[l.inputs[0]].output_shape.c;
    return l.output_shape.elements() * (in_c / l.geometry.groups) * l.geometry.kernel_h *
           l.geometry.kernel_w;
  }
  if (l.kind == OpKind::FullyConnected)
    return int64_t{l.out_channels} * layers[l.inputs[0]].output_shape.elements();
  return 0;
}

int64_t Graph::weight_count(size_t i) const {
  const Layer& l = layers.at(i);
  if (l.kind == OpKind::Conv)
    return int64_t{l.out_channels} * (layers[l.inputs[0]].output_shape.c / l.geometry.groups) *
           l.geometry.kernel_h * l.geometry.kernel_w;
  if (l.kind == OpKind::FullyConnected)
    return int64_t{l.out_channels} * layers[l.inputs[0]].output_shape.elements();
  return 0;
}

int64_t Graph::layer_params(size_t i) const {
  const Layer& l = layers.at(i);
  if (!l.has_weights()) return 0;
  const int64_t per_channel = l.batchnorm_folded ? 2 : l.has_bias ? 1 : 0;
  return weight_count(i) + per_channel * l.out_channels;
}

int64_t Graph::total_macs() const {
  int64_t s = 0;
  for (size_t i = 0; i < layers.size(); ++i) s += layer_macs(i);
  return s;
}

int64_t Graph::total_params() const {
  int64_t s = 0;
  for (size_t i = 0; i < layers.size(); ++i) s += layer_params(i);
  return s;
}

int64_t Graph::weight_bits(size_t i) const {
  return weight_count(i) * layers.at(i).weight_q.bits;
}

}  // namespace qasim::workloads
