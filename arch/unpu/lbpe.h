// The arithmetic of a lookup-table-based bit-serial PE (LBPE), in plain C++ (no time).
//
// A LUT combines k activations x_0..x_{k-1} into the 2^k sums of their subsets:
// lut[idx] = sum of x_i over the bits i set in idx. A weight vector w_0..w_{k-1} of n-bit
// weights is consumed one bit plane per cycle: the plane's bits form the index, the entry
// read is the plane's partial dot product, and a shift-add (the top plane subtracted for
// two's-complement weights) accumulates the planes:
//   sum_i x_i w_i = sum_b (+-2^b) lut[plane_b(w)].
// With 1-bit weights (+-1, bit 1 = +1) the LUT holds signed sums, sum_i (bit_i ? x_i : -x_i).
// They are symmetric (complementing every bit negates the sum), so a "half" LUT of 2^k
// entries covers k + 1 activations: entry idx holds the signed sum of x_0..x_{k-1} plus
// x_k; an index whose bit k is 0 reads the negated entry of the complemented low bits.
// An LBPE has several LUTs whose entries, for the same plane, meet in an adder tree before
// the shift-add.
#pragma once

#include <cstdint>
#include <string>

#include "arch/unpu/params.h"
#include "kernels/quant.h"

namespace qasim::arch::unpu {

// How a layer's integer weights become bit planes.
struct WeightCoding {
  int planes = 8;         // cycles per weight
  bool binary = false;    // one plane: bit 1 = +1, bit 0 = -1 (values must be +-1)
  bool is_signed = true;  // two's complement: the top plane weighs -2^(planes-1)
  bool operator==(const WeightCoding&) const = default;
};

// The narrowest coding of the integer range of `wq` (qmin..qmax): Binary -> 1 +-1 plane;
// a range with negative values -> two's complement of the fewest bits; else unsigned.
// Uniform b-bit weights take b planes.
WeightCoding weight_coding(const kernels::QuantParams& wq);
std::string to_string(const WeightCoding& c);  // "w4", "w8u", "w1b"

// The LUTs a layer's weight coding uses on an LBPE.
struct LutShape {
  int inputs = 3;   // activations per LUT
  int entries = 8;  // stored entries per LUT
  bool binary = false;
  bool half = false;  // binary, symmetric: inputs = log2(entries) + 1
};
LutShape lut_shape(const UnpuParams& p, const WeightCoding& c);

// Plane `plane` of `value` in `coding` (0 or 1).
inline int weight_bit(int32_t value, int plane, const WeightCoding& c) {
  if (c.binary) return value > 0 ? 1 : 0;
  return static_cast<int>((static_cast<uint32_t>(value) >> plane) & 1u);
}

// Fills lut[0 .. shape.entries) from x[0 .. shape.inputs); returns the adds it took.
int build_lut(const int64_t* x, const LutShape& shape, int64_t* lut);
// The adds build_lut takes for one LUT of `shape`.
int lut_build_adds(const LutShape& shape);

// The partial sum a LUT gives for the weight bits `idx` (bit i: the weight of x_i).
inline int64_t lut_lookup(const int64_t* lut, unsigned idx, const LutShape& shape) {
  if (!shape.half) return lut[idx];
  const unsigned top = static_cast<unsigned>(shape.entries);
  return idx & top ? lut[idx & (top - 1)] : -lut[~idx & (top - 1)];
}

// Signed weight of plane `plane` in the shift-add: +2^plane, or -2^plane for the top plane
// of two's complement; 1 for a binary plane.
inline int64_t plane_weight(int plane, const WeightCoding& c) {
  if (c.binary) return 1;
  const int64_t w = int64_t{1} << plane;
  return c.is_signed && plane == c.planes - 1 ? -w : w;
}

// One lane of an LBPE over one chunk of `count` LUTs (LUT g at luts + g * shape.entries):
// for each plane b, the adder tree sums the lookups at index[b * plane_stride + g], and the
// shift-add accumulates. Returns the chunk's partial dot product.
int64_t lane_dot(const int64_t* luts, const LutShape& shape, int count, const uint8_t* index,
                 size_t plane_stride, const WeightCoding& c);

}  // namespace qasim::arch::unpu
