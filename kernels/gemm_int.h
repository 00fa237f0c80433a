// Exact integer GEMM for operands up to 16 bits (and wider, through int64 products).
//
// C[m][n] = sum_k A[m][k] * B[n][k]: both operands are stored K-contiguous ("dot-product
// form"), which lets GCC turn the inner loop into vpdpbusd / vpdpwssd / pmaddwd. The sum is
// exact: int32 partial sums are used only over K chunks short enough that
// |chunk| * max|a| * max|b| < 2^31, and the chunks are added in int64.
#pragma once

#include <cstdint>
#include <vector>

namespace qasim::kernels {

// Smallest and largest value of an operand as it is actually stored.
struct ValueRange {
  int64_t lo = 0, hi = 0;
};
// Range of n values (OpenMP-parallel for large n); {0, 0} when n == 0.
ValueRange value_range(const int32_t* values, int64_t n);

// Element type an operand is stored in for the GEMM (after subtracting an offset).
enum class GemmElem { U8, S8, I16, I32 };

// An operand stored as (value - offset) in `elem`; the offset is folded into zero points.
struct GemmEncoding {
  GemmElem elem = GemmElem::I32;
  int32_t offset = 0;
  int64_t max_abs = 0;  // largest |value - offset| over the operand
};

// Encodes values in [lo, hi] as `elem`, shifted by an offset only when the range needs it
// (uint16 data as I16, int8 data as U8); false when the span does not fit `elem`.
bool encode_for_gemm(int64_t lo, int64_t hi, GemmElem elem, GemmEncoding* enc);

// Rows of A and B are padded with zeros to this many elements, so the vectorised inner loop
// needs no remainder handling.
inline int64_t gemm_k_stride(int64_t k) {
  return (k + 63) / 64 * 64;
}

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  int64_t ldc_m = 0, ldc_n = 1;  // C[m][n] lives at c[m * ldc_m + n * ldc_n]
};

// Exact C = A * B^T for A [m][gemm_k_stride(k)] and B [n][gemm_k_stride(k)] (zero padded).
// max_abs_a/b bound |A| and |B| and choose between int32 and int64 partial sums.
// OpenMP-parallel unless already inside a parallel region. Instantiated for
// (int8_t, uint8_t), (int16_t, int16_t) and (int32_t, int32_t).
template <typename TA, typename TB>
void gemm_int(const GemmShape& shape, const TA* a, const TB* b, int64_t* c, int64_t max_abs_a,
              int64_t max_abs_b);

// Longest K chunk whose int32 partial sums cannot overflow (a multiple of 64), or 0 when
// even 64 products could overflow and int64 partial sums are needed.
int64_t gemm_int32_chunk(int64_t max_abs_a, int64_t max_abs_b);

// Which instruction-set variant gemm_int runs on this CPU (for benchmarks and reports).
const char* gemm_int_isa();

// Ceiling on the instruction sets the run-time dispatched kernels (GEMM, popcount) may
// use: the CPU's own, lowered by the environment variable QASIM_MAX_ISA=baseline|avx2|avx512
// so that tests can run the portable variants on a machine that would otherwise skip them.
enum class IsaCap { Baseline, Avx2, Avx512 };
IsaCap isa_cap();

}  // namespace qasim::kernels
