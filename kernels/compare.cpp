// How far two integer tensors are apart, e.g. one layer under two requantization modes.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "kernels/ops.h"

namespace qasim::kernels {

Mismatch compare(const IntTensor& a, const IntTensor& b) {
  if (a.dims() != b.dims())
    throw std::invalid_argument(fmt::format("compare: shapes {} and {} differ",
                                            dims_to_string(a.dims()), dims_to_string(b.dims())));
  Mismatch m;
  m.total = a.size();
  int64_t max_diff = 0;
  long double sum_diff = 0;  // exact for any realistic tensor: each term < 2^33
  for (int64_t i = 0; i < a.size(); ++i) {
    const int64_t diff = std::llabs(int64_t{a[i]} - int64_t{b[i]});
    if (diff == 0) continue;
    ++m.differing;
    max_diff = std::max(max_diff, diff);
    sum_diff += static_cast<long double>(diff);
  }
  // A difference of two int32 can reach 2^32 - 1; report it saturated rather than wrapped.
  m.max_abs_diff =
      static_cast<int32_t>(std::min<int64_t>(max_diff, std::numeric_limits<int32_t>::max()));
  m.mean_abs_diff = m.total ? static_cast<double>(sum_diff / m.total) : 0.0;
  return m;
}

}  // namespace qasim::kernels
