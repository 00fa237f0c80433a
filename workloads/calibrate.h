// Post-training calibration of activation scales: each layer's output scale is set so
// the largest real value seen on sample inputs maps to the top of its integer range (a
// binary output's scale, its magnitude, becomes the mean magnitude instead).
// Zoo models with random weights use it so their integers neither saturate nor vanish.
#pragma once

#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::workloads {

// Recomputes output_q.scale of every layer, in order, from `samples` ([N, C, H, W]
// integers at the input's quantization). Bits, signedness and zero points are kept; the
// int32 biases stay as they are in accumulator units (their real value follows the new
// input scale, which is what a random model wants: the same bias-to-sum ratio).
void calibrate_activation_scales(Graph& graph, const kernels::IntTensor& samples);

}  // namespace qasim::workloads
