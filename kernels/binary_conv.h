// Binary convolutions by XNOR/popcount: with x, w in {-1, +1} stored one bit each
// (1 for -1), a dot product over n taps is n - 2 * popcount(x_bits XOR w_bits).
//
// Activations are packed along channels (64 per word) into a padded image whose padding
// bits are 0, i.e. read as +1; the padded taps' contribution (the tap's weight sum) is then
// subtracted for the border outputs only, so the inner loop needs no masks.
#pragma once

#include "kernels/im2col.h"

namespace qasim::kernels {

// acc = bias + sum x * w when every value of x and w is -1 or +1 (zero points 0). Returns
// false when some value is not (`out` may then hold partial results): the caller then
// takes an integer path, which overwrites it with the exact result for any values.
bool binary_conv(const ConvProblem& p, AccTensor& out);

// Which instruction set the popcount kernel uses here ("avx512-vpopcntdq" or "scalar").
const char* binary_conv_isa();

}  // namespace qasim::kernels
