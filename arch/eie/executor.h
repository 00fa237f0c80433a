// Functional execution the EIE way, in plain C++: for each SpMV the accumulators start at
// the bias, every non-zero input activation (minus its zero point) is multiplied by the
// decoded codebook weights of its column in each PE's CSC slice and added to the row the
// running relative index points at; then the accumulator's overflow rule and the
// requantization of numerics() are applied on write-back. Convolutions build the im2col
// vector of each output position (padding taps are zero activations). PPU layers (pooling,
// add, concat, rescale) compute with the kernels/ ops that define them
// (workloads::run_layer). Equals workloads::GoldenEngine(graph, params.numerics()).
#pragma once

#include <vector>

#include "arch/eie/compiler.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::arch::eie {

// Every layer's output for a batch [N, C, H, W] (index = layer index; entry 0 the input).
std::vector<kernels::IntTensor> execute(const workloads::Graph& graph, const Program& program,
                                        const EieParams& params, const kernels::IntTensor& input);

// The activation vector (value minus zero point) of SpMV `plan` for sample `n`, group `group`
// and output position `position`, from the layer's input [N, C, H, W].
void spmv_input(const workloads::Graph& graph, const LayerPlan& plan, const kernels::IntTensor& x,
                int64_t n, int group, int64_t position, std::vector<int32_t>& out);

}  // namespace qasim::arch::eie
