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

int build_lut(const int64_t* x, int count, bool binary, int64_t* lut) {
  const int entries = 1 << count;
  int adds = 0;
  if (binary) {
    int64_t all = 0;
    for (int i = 0; i < count; ++i) all -= x[i];
    lut[0] = all;
    // Setting bit i turns -x_i into +x_i: one add of 2*x_i (a shifted operand).
    for (int idx = 1; idx < entries; ++idx) {
      const int low = __builtin_ctz(static_cast<unsigned>(idx));
      lut[idx] = lut[idx & (idx - 1)] + 2 * x[low];
      ++adds;
    }
    return adds;
  }
  lut[0] = 0;
  for (int idx = 1; idx < entries; ++idx) {
    const int low = __builtin_ctz(static_cast<unsigned>(idx));
    const int rest = idx & (idx - 1);
    lut[idx] = rest ? lut[rest] + x[low] : x[low];
    if (rest) ++adds;
  }
  return adds;
}

int64_t lane_dot(const int64_t* luts, int entries, int count, const uint8_t* index,
                 size_t plane_stride, const WeightCoding& c) {
  int64_t acc = 0;
  for (int b = 0; b < c.planes; ++b) {
    const uint8_t* idx = index + static_cast<size_t>(b) * plane_stride;
    int64_t tree = 0;
    for (int g = 0; g < count; ++g) tree += luts[static_cast<size_t>(g) * entries + idx[g]];
    acc += tree * plane_weight(b, c);
  }
  return acc;
}

}  // namespace qasim::arch::unpu
