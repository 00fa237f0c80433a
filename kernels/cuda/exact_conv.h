// Exact integer inference on the GPU: convolutions and fully connected layers whose outputs
// are bit-identical to the golden reference (conv2d_accumulate / fc_accumulate, then
// apply_overflow, then Requantizer), so the DSE can score accuracy on whole test sets.
//
// Two paths, chosen by plan_exact_conv from the operands:
// - int8 (dp4a): x - x_zp (or else x itself, with a zero-point correction per tap) fits a
//   signed or unsigned byte and w - w_zp a signed byte (any uniform, ternary, fixed-point or
//   codebook layer of up to 8 bits); four products per instruction, summed in int32, which is
//   exact because the plan checks that K * (max|x packed| + |correction|) * max|w - w_zp|
//   < 2^31;
// - binary (XNOR/popcount): x and w all ±1 with zero points 0 (BNN / XNOR-Net layers), 64
//   taps per word.
// Both then add the int32 bias, apply the accumulator's overflow rule and requantize with the
// golden reference's arithmetic (exact_math.h).
//
// The layout the kernels read: activations packed per image and group as [H][W][words] with a
// tap's channels in consecutive bytes (int8, 4 per uint32) or bits (binary, 64 per uint64),
// unused bytes/bits 0; weights as [OC][KH][KW][words]. Padded taps are skipped, as the golden
// reference treats padding as x == x_zp (a zero contribution).
//
// run_exact_conv_host runs the very per-output function the CUDA kernel runs (exact_conv_dot.h)
// on the CPU: the host tests prove it equals the golden reference, and the GPU tests prove the
// GPU gives the same integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/cuda/exact_math.h"
#include "kernels/numerics.h"
#include "kernels/ops.h"

namespace qasim::kernels::cuda {

enum class ExactPath : int32_t {
  Int8Signed,    // dp4a.s32.s32: x - x_zp in [-128, 127]
  Int8Unsigned,  // dp4a.u32.s32: x - x_zp in [0, 255] (unsigned activations)
  Binary,        // XNOR/popcount on ±1
};

std::string to_string(ExactPath path);

// Sizes of one layer, as the kernel reads them (plain ints for device code).
struct ExactConvDims {
  int32_t batch = 0, in_c = 0, in_h = 0, in_w = 0;
  int32_t out_c = 0, out_h = 0, out_w = 0;
  int32_t groups = 1, in_cg = 0, out_cg = 0;  // channels per group
  int32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0, dilation_h = 1, dilation_w = 1;
  int32_t words = 0;  // packed words per tap: ceil(in_cg / 4) (int8) or ceil(in_cg / 64)
  // The packed input is x - x_pack_offset; the products need x - x_zp, so each valid tap
  // adds x_delta * (the tap's weight sum), x_delta = x_pack_offset - x_zp. Nonzero only for
  // inputs whose range minus the zero point fits no byte but the raw range does (uint8
  // activations with a zero point other than 0 or 128, as imported ONNX models have).
  int32_t x_delta = 0;

  QASIM_HD int64_t outputs() const { return int64_t{batch} * out_c * out_h * out_w; }
  QASIM_HD int64_t input_words() const { return int64_t{batch} * groups * in_h * in_w * words; }
};

// Everything about a layer except its input: packed weights, biases, multipliers.
struct ExactConvPlan {
  ExactPath path = ExactPath::Int8Signed;
  ExactConvDims dims;         // batch is 0 here; run_* take it from the input
  int32_t x_pack_offset = 0;  // subtracted from x when packing
  RequantSpec requant;
  std::vector<ChannelMultiplier> multipliers;  // one per output channel
  std::vector<int64_t> bias;                   // one per output channel (0 without bias)
  std::vector<uint32_t> weights8;              // int8 paths: [OC][KH][KW][words]
  std::vector<uint64_t> weights1;              // binary path: [OC][KH][KW][words]
  std::vector<int32_t> tap_sums;  // int8 paths: sum over a tap's channels of w - w_zp [OC][KH*KW]
};

// Why a layer has no plan (the caller then runs the golden CPU path), or the plan.
struct ExactConvPlanResult {
  std::optional<ExactConvPlan> plan;
  std::string reason;  // empty when planned
};

// A convolution layer as the golden engine runs it: input [N, C, in_h, in_w] quantized by xq
// (per tensor), weights [OC, C/groups, KH, KW] by wq, int32 bias (may be empty), requantized to
// `out` and clamped to [lo, hi] (activation_bounds) with `numerics`. Throws
// std::invalid_argument for operands the golden reference would reject too.
ExactConvPlanResult plan_exact_conv(int64_t in_c, int64_t in_h, int64_t in_w, const QuantParams& xq,
                                    const IntTensor& w, const QuantParams& wq,
                                    const std::vector<int32_t>& bias, const ConvGeometry& g,
                                    const Numerics& numerics, const QuantParams& out, int32_t lo,
                                    int32_t hi);
// A fully connected layer (x [N, K], w [OC, K]) as a 1x1 convolution over K channels.
ExactConvPlanResult plan_exact_fc(int64_t k, const QuantParams& xq, const IntTensor& w,
                                  const QuantParams& wq, const std::vector<int32_t>& bias,
                                  const Numerics& numerics, const QuantParams& out, int32_t lo,
                                  int32_t hi);

// The plan's dims with the batch of `x` ([N, C, H, W], or [N, K] for FC); throws
// std::invalid_argument when x does not fit the plan.
ExactConvDims dims_for_input(const ExactConvPlan& plan, const IntTensor& x);
// x packed as the kernel reads it; throws std::invalid_argument when a value does not fit the
// plan's path (out of the byte range after the zero point, or not ±1 for binary).
std::vector<uint32_t> pack_input8(const ExactConvPlan& plan, const ExactConvDims& d,
                                  const IntTensor& x);
std::vector<uint64_t> pack_input1(const ExactConvPlan& plan, const ExactConvDims& d,
                                  const IntTensor& x);

// The output [N, OC, out_h, out_w] computed on the CPU by the kernel's own per-output code.
IntTensor run_exact_conv_host(const ExactConvPlan& plan, const IntTensor& x);

// The same on the GPU. Throws std::runtime_error when this build has no CUDA or the machine
// no device (kernels/cuda/runtime.h says which beforehand).
IntTensor run_exact_conv_cuda(const ExactConvPlan& plan, const IntTensor& x);

// Milliseconds per launch of the plan's kernel on x (inputs and weights already on the GPU,
// `repeats` launches timed with CUDA events after one warm-up); throws like
// run_exact_conv_cuda.
double time_exact_conv_cuda(const ExactConvPlan& plan, const IntTensor& x, int repeats);

}  // namespace qasim::kernels::cuda
