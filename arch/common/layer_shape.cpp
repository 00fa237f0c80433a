#include "arch/common/layer_shape.h"

#include <fmt/format.h>

#include <algorithm>

namespace qasim::arch {

std::string layer_place(const workloads::Graph& g, const workloads::Layer& l) {
  return fmt::format("model '{}', layer '{}'", g.name, l.name);
}

ConvShape conv_shape(const workloads::Graph& g, const workloads::Layer& l) {
  const workloads::Shape3 in = g.layers[l.inputs[0]].output_shape;
  ConvShape s;
  if (l.kind == workloads::OpKind::FullyConnected) {
    s.in_c = static_cast<int>(in.elements());
    s.in_h = s.in_w = 1;
  } else {
    s.in_c = in.c;
    s.in_h = in.h;
    s.in_w = in.w;
    s.geometry = l.geometry;
  }
  s.out_c = l.out_channels;
  s.out_h = s.geometry.out_h(s.in_h);
  s.out_w = s.geometry.out_w(s.in_w);
  return s;
}

std::pair<int, int> input_span(int o0, int o1, int stride, int pad, int dilation, int kernel,
                               int extent) {
  const int first = o0 * stride - pad;
  const int last = (o1 - 1) * stride - pad + dilation * (kernel - 1) + 1;
  return {std::max(first, 0), std::min(last, extent)};
}

int64_t window_span(int outputs, int stride, int dilation, int kernel) {
  return int64_t{outputs - 1} * stride + int64_t{dilation} * (kernel - 1) + 1;
}

}  // namespace qasim::arch
