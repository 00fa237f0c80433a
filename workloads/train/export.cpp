#include "workloads/train/export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "workloads/errors.h"
#include "workloads/golden_engine.h"
#include "workloads/train/fold.h"

namespace qasim::workloads::train {

using kernels::QuantParams;

namespace {

void export_weights(const TrainModel& model, size_t i, Layer& l, const QuantParams& in_q,
                    ExportStats& stats) {
  const LayerState& s = model.layer(i);
  const int64_t oc = l.out_channels, count = static_cast<int64_t>(s.w.size()), per = count / oc;
  if (!s.quant.weight)
    throw std::logic_error("export: layer " + l.name + " has no weight quantizer");
  kernels::Quantized q = s.quant.weight->to_integer(s.w, oc);
  QuantParams wq = q.params;
  std::vector<int32_t> values = q.values.values();
  if (static_cast<int64_t>(values.size()) != count)
    throw std::logic_error("export: weight quantizer returned a wrong count for " + l.name);
  const FoldedAffine f = folded_affine(l, s);
  std::vector<float> scales(static_cast<size_t>(oc));
  for (int64_t c = 0; c < oc; ++c) {
    scales[c] = folded_weight_scale(wq, f, c);
    if (f.factor[c] < 0) {
      const int32_t z = wq.zero_point_at(c);
      for (int64_t k = c * per; k < (c + 1) * per; ++k) {
        const int32_t mirrored = 2 * z - values[k];
        values[k] = std::clamp(mirrored, wq.qmin(), wq.qmax());
        stats.clamped_weights += values[k] != mirrored;
      }
    }
  }
  if (l.batchnorm_folded || wq.per_channel()) {
    wq.scale = scales;
    wq.axis = 0;
  }
  l.weight_q = wq;
  l.weights = l.kind == OpKind::Conv
                  ? kernels::IntTensor({oc, per / (l.geometry.kernel_h * l.geometry.kernel_w),
                                        l.geometry.kernel_h, l.geometry.kernel_w},
                                       std::move(values))
                  : kernels::IntTensor({oc, per}, std::move(values));
  l.bias.clear();
  l.has_bias = l.batchnorm_folded || !s.bias.empty();
  if (!l.has_bias) return;
  for (int64_t c = 0; c < oc; ++c)
    l.bias.push_back(folded_integer_bias(f, c, in_q.scale[0], wq.scale_at(c)));
}

}  // namespace

Graph export_integer_graph(const TrainModel& model, ExportStats* stats) {
  ExportStats local;
  ExportStats& st = stats ? *stats : local;
  Graph g = model.graph();
  g.numerics = {};
  g.numerics.requant = kernels::RequantMode::OnnxFloat;
  g.numerics.accumulator = {32, kernels::Overflow::Saturate};
  const std::vector<QuantParams> grids = output_grids(model);
  for (size_t i = 1; i < g.layers.size(); ++i) {
    Layer& l = g.layers[i];
    if (l.has_weights() && !l.fixed_weights) export_weights(model, i, l, grids[l.inputs[0]], st);
    l.output_q = grids[i];
  }
  g.infer_shapes();
  g.validate();
  return g;
}

double golden_accuracy(const Graph& graph, const Dataset& data, int64_t limit, int64_t batch) {
  const int64_t count = limit > 0 ? std::min(limit, data.size()) : data.size();
  GoldenEngine engine(graph);
  int64_t correct = 0;
  for (int64_t first = 0; first < count; first += batch) {
    const int64_t n = std::min(batch, count - first);
    const std::vector<int32_t> predicted =
        argmax_classes(engine.run(to_model_input(data, first, n, graph)));
    for (int64_t k = 0; k < n; ++k) correct += predicted[k] == data.labels[first + k];
  }
  return count ? 100.0 * static_cast<double>(correct) / static_cast<double>(count) : 0.0;
}

}  // namespace qasim::workloads::train
