#include "arch/unpu/lbpe.h"

#include <fmt/format.h>

#include <algorithm>

namespace qasim::arch::unpu {

WeightCoding weight_coding(const kernels::QuantParams& wq) {
  WeightCoding c;
  if (wq.scheme == kernels::Scheme::Binary) {
    c.planes = 1;
    c.binary = true;
    return c;
  }
  const int64_t lo = wq.qmin(), hi = wq.qmax();
  if (lo < 0) {
    c.is_signed = true;
    c.planes = 1;
    while (lo < -(int64_t{1} << (c.planes - 1)) || hi > (int64_t{1} << (c.planes - 1)) - 1)
      ++c.planes;
  } else {
    c.is_signed = false;
    c.planes = 1;
    while (hi > (int64_t{1} << c.planes) - 1) ++c.planes;
  }
  return c;
}

std::string to_string(const WeightCoding& c) {
  return fmt::format("w{}{}", c.planes, c.binary ? "b" : c.is_signed ? "" : "u");
}

LutShape lut_shape(const UnpuParams& p, const WeightCoding& c) {
  LutShape s;
  s.binary = c.binary;
  s.half = c.binary && p.binary_half_lut;
  s.entries = p.lut_entries();
  s.inputs = p.inputs_per_lut(c.binary);
  return s;
}

int build_lut(const int64_t* x, const LutShape& shape, int64_t* lut) {
  int adds = 0;
  if (shape.binary) {
    // Entry 0: every stored activation negative (plus x_k, positive, in a half LUT).
    const int stored = shape.half ? shape.inputs - 1 : shape.inputs;
    int64_t first = shape.half ? x[stored] : 0;
    for (int i = 0; i < stored; ++i) first -= x[i];
    lut[0] = first;
    adds += shape.half ? stored : stored - 1;
    // Setting bit i turns -x_i into +x_i: one add of 2*x_i (a shifted operand).
    for (int idx = 1; idx < shape.entries; ++idx) {
      const int low = __builtin_ctz(static_cast<unsigned>(idx));
      lut[idx] = lut[idx & (idx - 1)] + 2 * x[low];
      ++adds;
    }
    return adds;
  }
  lut[0] = 0;
  for (int idx = 1; idx < shape.entries; ++idx) {
    const int low = __builtin_ctz(static_cast<unsigned>(idx));
    const int rest = idx & (idx - 1);
    lut[idx] = rest ? lut[rest] + x[low] : x[low];
    if (rest) ++adds;
  }
  return adds;
}

int lut_build_adds(const LutShape& shape) {
  if (shape.binary) {
    const int stored = shape.half ? shape.inputs - 1 : shape.inputs;
    return (shape.half ? stored : stored - 1) + shape.entries - 1;
  }
  return shape.entries - 1 - shape.inputs;
}

int64_t lane_dot(const int64_t* luts, const LutShape& shape, int count, const uint8_t* index,
                 size_t plane_stride, const WeightCoding& c) {
  int64_t acc = 0;
  for (int b = 0; b < c.planes; ++b) {
    const uint8_t* idx = index + static_cast<size_t>(b) * plane_stride;
    int64_t tree = 0;
    for (int g = 0; g < count; ++g)
      tree += lut_lookup(luts + static_cast<size_t>(g) * shape.entries, idx[g], shape);
    acc += tree * plane_weight(b, c);
  }
  return acc;
}

}  // namespace qasim::arch::unpu
