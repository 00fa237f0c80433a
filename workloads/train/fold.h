// BatchNorm folding shared by the export and the evaluation-mode forward pass, so the float
// model evaluates exactly the affine map the integer model applies:
//   BN(conv(x, s*q)) = f_c * conv(x, s*q) + shift_c,  f_c = gamma_c / sqrt(var_c + eps),
//   shift_c = beta_c - f_c * mean_c  (or the layer's bias without BatchNorm, f_c = 1),
// with the shift stored as an int32 at scale in_scale * s_c * |f_c| (the integer bias).
// That bias grid can be coarser than the output's (large input and weight steps at low
// bits), so evaluation rounds the shift to it as the integer model does.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/quant.h"
#include "workloads/graph.h"
#include "workloads/train/model.h"

namespace qasim::workloads::train {

struct FoldedAffine {
  std::vector<double> factor, shift;  // per output channel
};

FoldedAffine folded_affine(const Layer& layer, const LayerState& state);

// Weight scale of channel c after folding: s_c * |f_c| (kept a positive normal float).
float folded_weight_scale(const kernels::QuantParams& wq, const FoldedAffine& f, int64_t c);

// The int32 bias of channel c: round(shift_c / (in_scale * folded scale)), saturated.
int32_t folded_integer_bias(const FoldedAffine& f, int64_t c, float in_scale, float folded_scale);

// Each layer's output grid as the export will write it (the activation quantizer's, or the
// input's for max pools, flattens and fixed shortcuts); per-tensor scale and zero point.
std::vector<kernels::QuantParams> output_grids(const TrainModel& model);

}  // namespace qasim::workloads::train
