// Functional execution of a compiled program, tile by tile, in plain C++: what the
// convolution pipeline and SDP/PDP compute, bit for bit. CACC accumulates the partial sums
// of each input-channel chunk exactly (starting from the bias, so the overflow rule sees
// the same sum as the golden reference), applies the accumulator's overflow rule after the
// last chunk, and SDP requantizes with the accelerator's numerics. The timing lives in
// fast_model.h; this file holds no time.
#pragma once

#include <vector>

#include "arch/nvdla/compiler.h"
#include "arch/nvdla/params.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::arch::nvdla {

// Every layer's output for a batch [N, C, H, W] of input integers (index = layer index;
// entry 0 is the input), in the layout of workloads::GoldenEngine::run_all.
std::vector<kernels::IntTensor> execute(const workloads::Graph& graph, const Program& program,
                                        const NvdlaParams& params, const kernels::IntTensor& input);

// One convolution command (conv or FC) on its input [N, C, H, W]: [N, K, OH, OW].
kernels::IntTensor execute_conv(const workloads::Graph& graph, const LayerCommand& cmd,
                                const kernels::Numerics& numerics, const kernels::IntTensor& x);

}  // namespace qasim::arch::nvdla
