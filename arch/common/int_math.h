// Unsigned cycle and byte arithmetic shared by the accelerator timing models.
#pragma once

#include <cstdint>

namespace qasim::arch {

inline uint64_t ceil_div(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}
// A count the graph holds as int64 (never negative there) as an unsigned cycle/byte count.
inline uint64_t u64(int64_t v) {
  return static_cast<uint64_t>(v);
}

}  // namespace qasim::arch
