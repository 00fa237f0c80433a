// Float -> integer quantizers for every scheme qasim carries, with the constants of
// REFERENCES.md. Each returns the integers the MAC array sees (decoded values for a
// codebook) and the QuantParams that map them back to reals:
//   real = scale[c] * (value - zero_point[c]).
// They serve weights (and activations where the scheme applies); the trainer reuses them.
// All are deterministic; stochastic rounding draws from a caller-seeded std::mt19937.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/quant.h"
#include "kernels/tensor.h"

namespace qasim::kernels {

struct Quantized {
  IntTensor values;
  QuantParams params;
};

// Which elements share a scale: the whole tensor, or each index along `axis` (output
// channels of a [OC, ...] weight tensor are axis 0).
struct Granularity {
  bool per_channel = false;
  int axis = 0;
};

// ---- uniform affine (2-16 bits) ----

// Scale and zero point covering [min, max], widened to include 0 so that real zero is exact.
// Asymmetric: scale = (max - min) / (qmax - qmin), zero point = qmin - round_half_even(min /
// scale), clamped. Symmetric: zero point 0 (signed) or 2^(bits-1) (unsigned) and
// scale = max(|min|, |max|) / (qmax - zero point), so +-max|x| map to the outermost codes
// symmetric about the zero point. A zero range gets scale 1. Throws on non-finite input.
QuantParams choose_uniform_params(float min, float max, int bits, bool is_signed, bool symmetric);

// ONNX QuantizeLinear: clamp(round_half_even(x / scale) + zero_point, qmin, qmax), the
// division in float32; per channel along q.axis when q has several scales. NaN throws.
Quantized quantize_uniform(const FloatTensor& x, const QuantParams& q);

// Min/max calibration (per tensor or per channel) followed by quantize_uniform.
Quantized quantize_uniform_minmax(const FloatTensor& x, int bits, bool is_signed, bool symmetric,
                                  Granularity g = {});

// ---- binary, ternary ----

// XNOR-Net: values sign(w) with sign(0) = +1, alpha = mean |w| (per output channel by
// default). An all-zero channel gets the smallest normal float as alpha (scales must be
// positive), which dequantizes to ~0.
Quantized quantize_binary(const FloatTensor& w, Granularity g = {true, 0});

// TWN: delta = 0.7 * mean |w|; values +1 (w > delta), -1 (w < -delta), else 0;
// alpha = mean |w_i| over |w_i| > delta. Per layer by default, as in the paper.
Quantized quantize_twn(const FloatTensor& w, Granularity g = {});

// TTQ: delta = 0.05 * max |w| (per layer); +wp above delta, -wn below -delta, else 0.
// Represented as a 2-bit Codebook scheme over the fixed-point image of {-wn, 0, +wp} in
// `value_bits` signed bits (see quantize_codebook); wp, wn > 0.
Quantized quantize_ttq(const FloatTensor& w, float wp, float wn, int value_bits = 8);

// ---- power of two ----

// Values 0 and +-2^k, k in [0, max_exponent()] (1 sign bit + bits-1 code bits, quant.cpp).
// The scale is a power of two chosen so that the largest level 2^max_exponent is the
// nearest power of two to max |w| in the log domain; then v = |w| / scale maps to the nearest
// level in the log domain (2^k for v in [2^(k-1/2), 2^(k+1/2)), clamped to the top level),
// and to zero when v < 1/2, the linear midpoint between 0 and the smallest level 1.
Quantized quantize_pow2(const FloatTensor& w, int bits, Granularity g = {});

// ---- codebook (weight sharing) ----

// Each w becomes the nearest of `centroids` (ties to the lower index), with a
// ceil(log2(K))-bit index. The integer codebook is the fixed-point image of the centroids:
// codebook[i] = round(centroid[i] * 2^f) (ties away from zero) for the largest f that keeps
// every entry within +-(2^(value_bits-1) - 1); scale = 2^-f. `values` holds decoded entries.
Quantized quantize_codebook(const FloatTensor& w, const std::vector<float>& centroids,
                            int value_bits);

// ---- fixed point Qm.n (Gupta et al. 2015) ----

// Signed `bits` total, n = frac_bits, scale 2^-n: round to nearest, ties up
// (floor(x * 2^n + 1/2)), saturated to the signed range.
Quantized quantize_fixed(const FloatTensor& x, int bits, int frac_bits);

// Stochastic rounding: floor(x * 2^n) + 1 with probability x * 2^n - floor(x * 2^n), then
// saturated. One 32-bit draw u = rng() / 2^32 per element in row-major order (drawn even when
// x is exact, so the stream position does not depend on the data); round up iff u < fraction.
Quantized quantize_fixed_stochastic(const FloatTensor& x, int bits, int frac_bits,
                                    std::mt19937& rng);

// ---- back to reals ----

// DequantizeLinear: float(value - zero_point) * scale in float32, per channel along q.axis.
FloatTensor dequantize(const IntTensor& values, const QuantParams& q);

}  // namespace qasim::kernels
