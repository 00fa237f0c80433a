// Functional execution of a compiled UNPU program in plain C++: the values the hardware
// computes, bit for bit, the way it computes them. For each tile and output pixel the
// LBPE builds its LUTs from the pixel's activations (minus their zero point; padding is
// 0), each output channel consumes its weights one bit plane at a time (lbpe.h), each
// chunk's partial sum goes to the aggregation core, which adds the chunks and the bias
// exactly (and, for weights with a zero point, subtracts zp * sum(x), the all-ones LUT
// entries), and keeps the sums across the input-channel passes of a tiled layer (the bias
// in the first); after the last pass the SIMD core applies the accumulator's overflow rule and
// requantizes with numerics(). Pooling, add, concat and rescale run on the SIMD core as the
// kernels/ integer ops (workloads::run_layer, the golden reference's own code for those layers:
// their bit-exactness is by construction). No time here: see fast_model.h.
#pragma once

#include <vector>

#include "arch/unpu/compiler.h"
#include "arch/unpu/params.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::arch::unpu {

// Every layer's output for a batch [N, C, H, W] of input integers (index = layer index;
// entry 0 is the input), in the layout of workloads::GoldenEngine::run_all.
std::vector<kernels::IntTensor> execute(const workloads::Graph& graph, const Program& program,
                                        const UnpuParams& params, const kernels::IntTensor& input);

// One LBPE command (conv or FC) on its input [N, C, H, W]: the exact accumulators
// [N, K, OH, OW] (bias included, before overflow and requantization).
kernels::AccTensor accumulate_lbpe(const workloads::Graph& graph, const LayerCommand& cmd,
                                   const UnpuParams& params, const kernels::IntTensor& x);

}  // namespace qasim::arch::unpu
