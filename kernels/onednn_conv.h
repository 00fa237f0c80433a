// int8 convolutions through oneDNN (Debian's libdnnl), used for accumulators only where
// the result is provably exact.
//
// oneDNN is exact for us only when (1) the CPU has int8 dot-product instructions (VNNI or
// AMX: without them its kernels sum pairs of u8*s8 products in saturating int16), and (2)
// the chosen implementation writes s32 accumulators without a float round trip: the
// brgemm-based ones do; the older jit kernels convert to f32 for scaling, which is exact
// only below 2^24. Measured on oneDNN 2.6 (see tests/kernels/fast_paths_test.cpp).
#pragma once

#include "kernels/im2col.h"

namespace qasim::kernels {

// Built with oneDNN and running on a CPU whose int8 kernels do not saturate.
bool onednn_available();

// acc = bias + sum (x - x_zp)(w - w_zp[oc]) through oneDNN when the operands span at most
// 8 bits each (activations as u8 or s8, weights as s8, shifted by an offset if needed) and
// the implementation oneDNN picks is exact for this K; otherwise returns false and leaves
// `out` untouched. Primitives are cached by shape, reordered weights in p.weights (the
// content-checked weight cache). Thread-safe.
bool onednn_conv(const ConvProblem& p, AccTensor& out);

// Name of the oneDNN implementation that would run p (empty when onednn_conv would refuse):
// for benchmarks and reports.
std::string onednn_conv_impl(const ConvProblem& p);

// Drops cached primitives and weights (tests use it to measure cold calls).
void onednn_clear_cache();

}  // namespace qasim::kernels
