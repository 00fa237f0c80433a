// The trained float model as the integer graph the golden reference and the accelerators
// run: BatchNorm folded into the convolution, weights and activations from their fake
// quantizers' to_integer(), int32 biases at scale input_scale * weight_scale.
//
// Folding: BN(conv(x, s*q)) = conv(x, s*f_c*q) + (beta_c - f_c*mean_c), f_c =
// gamma_c / sqrt(var_c + eps). The integers q stay those the fake quantizer chose; the
// factor goes into a per-output-channel weight scale s*|f_c| (a channel with negative f_c
// gets its integers mirrored about the zero point, 2*z - q, which symmetric grids hold).
// So the integer model multiplies exactly the integers training used.
//
// Numerics: RequantMode::OnnxFloat. Fake quantization rounds y / s half to even in float,
// and OnnxFloat requantizes float32(acc) * M with the same rounding, so the two disagree
// only where float accumulation order or M's float32 rounding moves a value across a
// rounding boundary; Gemmlowp's Q31 multiplier and round-half-away would add tie
// differences on top. 32-bit saturating accumulators.
#pragma once

#include "workloads/datasets/dataset.h"
#include "workloads/graph.h"
#include "workloads/train/model.h"

namespace qasim::workloads::train {

struct ExportStats {
  int64_t clamped_weights = 0;  // mirrored integers that fell outside an asymmetric grid
};

Graph export_integer_graph(const TrainModel& model, ExportStats* stats = nullptr);

// Top-1 accuracy (percent) of the integer graph on the first `limit` (0: all) images,
// run by the golden engine in batches.
double golden_accuracy(const Graph& graph, const Dataset& data, int64_t limit, int64_t batch = 256);

}  // namespace qasim::workloads::train
