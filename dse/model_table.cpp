#include "dse/model_table.h"

#include <fmt/format.h>

#include "dse/table.h"
#include "workloads/zoo/zoo.h"

namespace qasim::dse {

using workloads::Layer;
using workloads::OpKind;

std::string describe_weights(const Layer& l) {
  if (!l.has_weights()) return "-";
  std::string s = fmt::format("w{} {}", l.weight_q.bits, kernels::to_string(l.weight_q.scheme));
  if (l.weight_q.per_channel()) s += "/ch";
  if (l.fixed_weights) s += " fixed";
  return s;
}

namespace {

std::string geometry(const workloads::Graph& g, const Layer& l) {
  const kernels::ConvGeometry& k = l.geometry;
  switch (l.kind) {
    case OpKind::Conv: {
      std::string s = fmt::format("{}x{}/{}", k.kernel_h, k.kernel_w, k.stride_h);
      const int in_c = g.layers[l.inputs[0]].output_shape.c;
      if (k.groups > 1) s += k.groups == in_c ? " dw" : fmt::format(" g{}", k.groups);
      return s;
    }
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      return fmt::format("{}x{}/{}", k.kernel_h, k.kernel_w, k.stride_h);
    default:
      return "";
  }
}

std::string activation(const Layer& l) {
  if (l.output_q.scheme == kernels::Scheme::Binary && l.kind != OpKind::MaxPool) return "sign";
  switch (l.activation) {
    case kernels::Activation::None:
      return "";
    case kernels::Activation::Relu:
      return "relu";
    case kernels::Activation::Relu6:
      return "relu6";
    case kernels::Activation::Clip:
      return fmt::format("clip[{},{}]", l.clip_lo, l.clip_hi);
  }
  return "";
}

}  // namespace

std::string output_precision(const kernels::QuantParams& q) {
  if (q.scheme == kernels::Scheme::Binary) return "bin";
  return fmt::format("{}{}", q.is_signed ? "i" : "u", q.bits);
}

std::string model_table(const workloads::Graph& g) {
  Table t(
      {"#", "layer", "op", "input", "output", "kernel", "act", "weights", "out", "MACs", "params"});
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    const std::string in =
        l.inputs.empty() ? "" : workloads::to_string(g.layers[l.inputs[0]].output_shape);
    t.add_row({std::to_string(i), l.name, workloads::to_string(l.kind), in,
               workloads::to_string(l.output_shape), geometry(g, l), activation(l),
               describe_weights(l), output_precision(l.output_q),
               l.fixed_weights ? "-" : human_count(static_cast<double>(g.layer_macs(i))),
               l.fixed_weights ? "-" : human_count(static_cast<double>(g.layer_params(i)))});
  }
  int64_t weight_bits = 0;
  for (size_t i = 0; i < g.layers.size(); ++i) weight_bits += g.weight_bits(i);
  return fmt::format(
      "model {}: input {}, {} layers, {} classes\n\n{}\ntotal: {} MACs per image, {} params, "
      "{:.1f} KiB of weights, numerics {} / acc{} {}\n",
      g.name, workloads::to_string(g.input().output_shape), g.layers.size(), g.num_classes,
      t.render(), human_count(static_cast<double>(workloads::learned_macs(g))),
      human_count(static_cast<double>(workloads::learned_params(g))), weight_bits / 8.0 / 1024.0,
      kernels::to_string(g.numerics.requant), g.numerics.accumulator.bits,
      kernels::to_string(g.numerics.accumulator.overflow));
}

}  // namespace qasim::dse
