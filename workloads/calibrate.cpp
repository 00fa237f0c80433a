#include "workloads/calibrate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/ops.h"
#include "workloads/golden_engine.h"

namespace qasim::workloads {

using kernels::IntTensor;
using kernels::QuantParams;

namespace {

// Largest real value representable at `q`'s top (or bottom, for signed outputs).
double range_units(const QuantParams& q) {
  const double up = q.qmax() - q.zero_point[0];
  const double down = q.zero_point[0] - q.qmin();
  return q.is_signed ? std::min(up, down) : up;
}

struct RealRange {
  double peak = 0;      // largest magnitude
  double mean_abs = 0;  // mean magnitude (the scale of a binary output)
};

// The magnitudes of a layer's real output before quantization, clipped by its activation
// (a ReLU6 never needs more than 6).
RealRange real_range(const Graph& g, size_t i, const std::vector<const IntTensor*>& in) {
  const Layer& l = g.layers[i];
  const QuantParams& xq = g.layers[l.inputs[0]].output_q;
  const bool binary = l.output_q.scheme == kernels::Scheme::Binary;
  // A binary output is a sign: its layer's ReLU (if any) does not apply.
  const bool relu = l.activation != kernels::Activation::None && !binary;
  double peak = 0, sum_abs = 0;
  int64_t count = 0;
  auto see = [&](double v) {
    if (relu) v = std::max(v, 0.0);
    peak = std::max(peak, std::abs(v));
    sum_abs += std::abs(v);
    ++count;
  };
  if (l.kind == OpKind::Conv || l.kind == OpKind::FullyConnected) {
    const IntTensor& x = *in[0];
    kernels::AccTensor acc =
        l.kind == OpKind::Conv
            ? kernels::conv2d_accumulate(x, xq, l.weights, l.weight_q, l.bias, l.geometry)
            : kernels::fc_accumulate(x.reshaped({x.dim(0), x.size() / x.dim(0)}), xq, l.weights,
                                     l.weight_q, l.bias);
    const int64_t channels = acc.dim(1), plane = acc.size() / (acc.dim(0) * channels);
    for (int64_t k = 0; k < acc.size(); ++k) {
      const int64_t c = (k / plane) % channels;
      see(static_cast<double>(acc[k]) * xq.scale[0] * l.weight_q.scale_at(c));
    }
  } else if (l.kind == OpKind::Add) {
    const QuantParams& bq = g.layers[l.inputs[1]].output_q;
    for (int64_t k = 0; k < in[0]->size(); ++k) {
      see(xq.scale[0] * ((*in[0])[k] - xq.zero_point[0]) +
          bq.scale[0] * ((*in[1])[k] - bq.zero_point[0]));
    }
  }
  if (l.activation == kernels::Activation::Relu6) peak = std::min(peak, 6.0);
  if (l.activation == kernels::Activation::Clip)
    peak = std::min(peak, std::max(std::abs(l.clip_lo), std::abs(l.clip_hi)) * 1.0);
  return {peak, count ? sum_abs / count : 0.0};
}

}  // namespace

void calibrate_activation_scales(Graph& graph, const IntTensor& samples) {
  graph.infer_shapes();
  const size_t count = graph.layers.size();
  std::vector<IntTensor> outputs(count);
  outputs[0] = samples;
  for (size_t i = 1; i < count; ++i) {
    Layer& l = graph.layers[i];
    std::vector<const IntTensor*> in;
    for (int src : l.inputs) in.push_back(&outputs[src]);
    const QuantParams& xq = graph.layers[l.inputs[0]].output_q;
    switch (l.kind) {
      case OpKind::Conv:
      case OpKind::FullyConnected:
      case OpKind::Add: {
        const RealRange r = real_range(graph, i, in);
        // A layer that only ever outputs zero keeps its scale: there is nothing to fit.
        if (l.output_q.scheme == kernels::Scheme::Binary) {
          if (r.mean_abs > 0) l.output_q.scale = {static_cast<float>(r.mean_abs)};
        } else if (r.peak > 0) {
          l.output_q.scale = {static_cast<float>(r.peak / range_units(l.output_q))};
        }
        break;
      }
      case OpKind::Concat: {
        float widest = 0;
        for (int src : l.inputs) widest = std::max(widest, graph.layers[src].output_q.scale[0]);
        l.output_q.scale = {widest};
        break;
      }
      case OpKind::MaxPool:
      case OpKind::AvgPool:
      case OpKind::GlobalAvgPool:
      case OpKind::Flatten:
        // Pooling and reshaping never widen the range: keep the input's quantization
        // where the bits allow it.
        if (l.output_q.bits == xq.bits && l.output_q.is_signed == xq.is_signed)
          l.output_q = xq;
        else
          l.output_q.scale = {
              static_cast<float>(xq.scale[0] * range_units(xq) / range_units(l.output_q))};
        break;
      case OpKind::Input:
        break;
    }
    outputs[i] = run_layer(graph, i, in, graph.numerics);
  }
}

}  // namespace qasim::workloads
