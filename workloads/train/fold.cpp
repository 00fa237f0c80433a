#include "workloads/train/fold.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/train/batchnorm.h"

namespace qasim::workloads::train {

FoldedAffine folded_affine(const Layer& l, const LayerState& s) {
  const auto oc = static_cast<size_t>(l.out_channels);
  FoldedAffine f{std::vector<double>(oc, 1.0), std::vector<double>(oc, 0.0)};
  if (l.batchnorm_folded) {
    const double eps = kernels::train::BatchNormDims{}.eps;
    for (size_t c = 0; c < oc; ++c) {
      f.factor[c] = s.gamma[c] / std::sqrt(double{s.running_var[c]} + eps);
      f.shift[c] = s.beta[c] - f.factor[c] * s.running_mean[c];
    }
  } else if (!s.bias.empty()) {
    for (size_t c = 0; c < oc; ++c) f.shift[c] = s.bias[c];
  }
  return f;
}

float folded_weight_scale(const kernels::QuantParams& wq, const FoldedAffine& f, int64_t c) {
  return std::max(static_cast<float>(wq.scale_at(c) * std::fabs(f.factor[c])),
                  std::numeric_limits<float>::min());
}

int32_t folded_integer_bias(const FoldedAffine& f, int64_t c, float in_scale, float folded_scale) {
  constexpr double lim = std::numeric_limits<int32_t>::max();
  const double b = f.shift[c] / (double{in_scale} * folded_scale);
  return static_cast<int32_t>(std::clamp(std::nearbyint(b), -lim, lim));
}

kernels::QuantParams TrainModel::output_grid(size_t i,
                                             const std::vector<kernels::QuantParams>& grids) const {
  const Layer& l = m_graph.layers[i];
  const auto& q = m_layers[i].quant.activation;
  if (!q || (l.has_weights() && l.fixed_weights)) return grids[l.inputs[0]];
  if (std::optional<kernels::QuantParams> p = q->output_params()) return *p;
  // A method without a fixed grid: its integer form of a one-element tensor.
  const float probe = 0.f;
  return q->to_integer(std::span<const float>(&probe, 1), 1).params;
}

std::vector<kernels::QuantParams> output_grids(const TrainModel& model) {
  std::vector<kernels::QuantParams> grids(model.graph().layers.size());
  grids[0] = model.graph().input().output_q;
  for (size_t i = 1; i < grids.size(); ++i) grids[i] = model.output_grid(i, grids);
  return grids;
}

}  // namespace qasim::workloads::train
