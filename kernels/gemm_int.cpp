#include "kernels/gemm_int.h"

#include "kernels/build_info.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

namespace qasim::kernels {

ValueRange value_range(const int32_t* values, int64_t n) {
  if (n <= 0) return {};
  int32_t lo = values[0], hi = values[0];
#pragma omp parallel for reduction(min : lo) reduction(max : hi) if (n > (int64_t{1} << 16))
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  return {lo, hi};
}

bool encode_for_gemm(int64_t lo, int64_t hi, GemmElem elem, GemmEncoding* enc) {
  int64_t tmin = 0, tmax = 0;
  switch (elem) {
    case GemmElem::U8:
      tmin = 0, tmax = 255;
      break;
    case GemmElem::S8:
      tmin = -128, tmax = 127;
      break;
    case GemmElem::I16:
      tmin = -32768, tmax = 32767;
      break;
    case GemmElem::I32:
      tmin = std::numeric_limits<int32_t>::min(), tmax = std::numeric_limits<int32_t>::max();
      break;
  }
  if (lo > hi || hi - lo > tmax - tmin) return false;
  // No offset when the values already fit: a zero offset keeps zero points (and the
  // corrections they cost) at zero in the common cases.
  const int64_t offset = (lo >= tmin && hi <= tmax) ? 0 : lo - tmin;
  enc->elem = elem;
  enc->offset = static_cast<int32_t>(offset);
  enc->max_abs = std::max(std::abs(lo - offset), std::abs(hi - offset));
  return true;
}

int64_t gemm_int32_chunk(int64_t max_abs_a, int64_t max_abs_b) {
  const int64_t product = max_abs_a * max_abs_b;
  if (product == 0) return std::numeric_limits<int64_t>::max() / 64 * 64;
  return std::numeric_limits<int32_t>::max() / product / 64 * 64;
}

namespace {

struct TileArgs {
  GemmShape shape;
  int64_t k_stride;  // padded row length of A and B
  int64_t chunk;     // K elements summed in Acc before adding to the int64 result
  int64_t m0, m1, n0, n1;
};

// 4x4 dot products over `len` elements (a multiple of 64). Written as scalar reductions
// that GCC vectorises along k (one vector accumulator per output).
template <typename TA, typename TB, typename Acc>
[[gnu::always_inline]] inline void micro_4x4(const TA* __restrict a0, const TA* __restrict a1,
                                             const TA* __restrict a2, const TA* __restrict a3,
                                             const TB* __restrict b0, const TB* __restrict b1,
                                             const TB* __restrict b2, const TB* __restrict b3,
                                             int64_t len, Acc* __restrict out) {
  len &= ~int64_t{63};  // tells the vectoriser no remainder loop is needed
  Acc s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  Acc s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (int64_t i = 0; i < len; ++i) {
    const Acc x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i];
    const Acc y0 = b0[i], y1 = b1[i], y2 = b2[i], y3 = b3[i];
    s00 += x0 * y0, s01 += x0 * y1, s02 += x0 * y2, s03 += x0 * y3;
    s10 += x1 * y0, s11 += x1 * y1, s12 += x1 * y2, s13 += x1 * y3;
    s20 += x2 * y0, s21 += x2 * y1, s22 += x2 * y2, s23 += x2 * y3;
    s30 += x3 * y0, s31 += x3 * y1, s32 += x3 * y2, s33 += x3 * y3;
  }
  out[0] = s00, out[1] = s01, out[2] = s02, out[3] = s03;
  out[4] = s10, out[5] = s11, out[6] = s12, out[7] = s13;
  out[8] = s20, out[9] = s21, out[10] = s22, out[11] = s23;
  out[12] = s30, out[13] = s31, out[14] = s32, out[15] = s33;
}

template <typename TA, typename TB, typename Acc>
[[gnu::always_inline]] inline void tile_body(const TileArgs& t, const TA* a, const TB* b,
                                             int64_t* c) {
  const GemmShape& s = t.shape;
  for (int64_t k0 = 0; k0 < t.k_stride; k0 += t.chunk) {
    const int64_t len = std::min(t.chunk, t.k_stride - k0);
    for (int64_t m = t.m0; m < t.m1; m += 4) {
      // Rows past the edge repeat the last row; their results are dropped.
      const TA* ar[4];
      for (int i = 0; i < 4; ++i) ar[i] = a + std::min(m + i, t.m1 - 1) * t.k_stride + k0;
      for (int64_t n = t.n0; n < t.n1; n += 4) {
        const TB* br[4];
        for (int j = 0; j < 4; ++j) br[j] = b + std::min(n + j, t.n1 - 1) * t.k_stride + k0;
        Acc out[16];
        micro_4x4<TA, TB, Acc>(ar[0], ar[1], ar[2], ar[3], br[0], br[1], br[2], br[3], len, out);
        for (int i = 0; i < 4 && m + i < t.m1; ++i)
          for (int j = 0; j < 4 && n + j < t.n1; ++j) {
            int64_t& dst = c[(m + i) * s.ldc_m + (n + j) * s.ldc_n];
            dst = (k0 == 0 ? 0 : dst) + static_cast<int64_t>(out[i * 4 + j]);
          }
      }
    }
  }
}

template <typename TA, typename TB, typename Acc>
void tile_base(const TileArgs& t, const TA* a, const TB* b, int64_t* c) {
  tile_body<TA, TB, Acc>(t, a, b, c);
}

#if defined(__x86_64__)
// The same body compiled for wider vectors; picked at run time, so the library still runs
// on any x86-64.
template <typename TA, typename TB, typename Acc>
[[gnu::target("avx2,fma")]] void tile_avx2(const TileArgs& t, const TA* a, const TB* b,
                                           int64_t* c) {
  tile_body<TA, TB, Acc>(t, a, b, c);
}
template <typename TA, typename TB, typename Acc>
[[gnu::target("avx2,fma,avxvnni")]] void tile_avxvnni(const TileArgs& t, const TA* a, const TB* b,
                                                      int64_t* c) {
  tile_body<TA, TB, Acc>(t, a, b, c);
}
template <typename TA, typename TB, typename Acc>
[[gnu::target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")]] void tile_avx512vnni(
    const TileArgs& t, const TA* a, const TB* b, int64_t* c) {
  tile_body<TA, TB, Acc>(t, a, b, c);
}
#endif

enum class Isa { Base, Avx2, AvxVnni, Avx512Vnni };


Isa detect_isa() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (isa_cap() == IsaCap::Baseline) return Isa::Base;
  if (isa_cap() == IsaCap::Avx2) {
    if (__builtin_cpu_supports("avx2") && cpu_has_avx_vnni()) return Isa::AvxVnni;
    return __builtin_cpu_supports("avx2") ? Isa::Avx2 : Isa::Base;
  }
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni"))
    return Isa::Avx512Vnni;
  if (__builtin_cpu_supports("avx2") && cpu_has_avx_vnni()) return Isa::AvxVnni;
  if (__builtin_cpu_supports("avx2")) return Isa::Avx2;
#endif
  return Isa::Base;
}

Isa isa() {
  static const Isa cached = detect_isa();
  return cached;
}

template <typename TA, typename TB, typename Acc>
using TileFn = void (*)(const TileArgs&, const TA*, const TB*, int64_t*);

template <typename TA, typename TB, typename Acc>
TileFn<TA, TB, Acc> pick_tile() {
#if defined(__x86_64__)
  switch (isa()) {
    case Isa::Avx512Vnni:
      return tile_avx512vnni<TA, TB, Acc>;
    case Isa::AvxVnni:
      return tile_avxvnni<TA, TB, Acc>;
    case Isa::Avx2:
      return tile_avx2<TA, TB, Acc>;
    case Isa::Base:
      break;
  }
#endif
  return tile_base<TA, TB, Acc>;
}

template <typename TA, typename TB, typename Acc>
void run_tiles(const GemmShape& s, const TA* a, const TB* b, int64_t* c, int64_t chunk) {
  // Tiles small enough that a tile's B rows stay in L2 and there are enough tiles for
  // every thread; dynamic scheduling evens out the ragged edge tiles.
  constexpr int64_t kTileM = 16, kTileN = 64;
  const int64_t tiles_m = (s.m + kTileM - 1) / kTileM, tiles_n = (s.n + kTileN - 1) / kTileN;
  const TileFn<TA, TB, Acc> fn = pick_tile<TA, TB, Acc>();
  const int64_t k_stride = gemm_k_stride(s.k);
  const bool parallel =
      !omp_in_parallel() && tiles_m * tiles_n > 1 && s.m * s.n * k_stride > (int64_t{1} << 18);
#pragma omp parallel for collapse(2) schedule(dynamic, 1) if (parallel)
  for (int64_t tm = 0; tm < tiles_m; ++tm)
    for (int64_t tn = 0; tn < tiles_n; ++tn) {
      TileArgs t{s,
                 k_stride,
                 chunk,
                 tm * kTileM,
                 std::min(s.m, (tm + 1) * kTileM),
                 tn * kTileN,
                 std::min(s.n, (tn + 1) * kTileN)};
      fn(t, a, b, c);
    }
}

}  // namespace

template <typename TA, typename TB>
void gemm_int(const GemmShape& shape, const TA* a, const TB* b, int64_t* c, int64_t max_abs_a,
              int64_t max_abs_b) {
  if (shape.m <= 0 || shape.n <= 0) return;
  if (shape.k <= 0) {
    for (int64_t m = 0; m < shape.m; ++m)
      for (int64_t n = 0; n < shape.n; ++n) c[m * shape.ldc_m + n * shape.ldc_n] = 0;
    return;
  }
  const int64_t k_stride = gemm_k_stride(shape.k);
  int64_t chunk = gemm_int32_chunk(max_abs_a, max_abs_b);
  if constexpr (sizeof(TA) <= 2 && sizeof(TB) <= 2) {
    if (chunk > 0) return run_tiles<TA, TB, int32_t>(shape, a, b, c, std::min(chunk, k_stride));
  }
  run_tiles<TA, TB, int64_t>(shape, a, b, c, k_stride);
}

template void gemm_int<int8_t, uint8_t>(const GemmShape&, const int8_t*, const uint8_t*, int64_t*,
                                        int64_t, int64_t);
template void gemm_int<int16_t, int16_t>(const GemmShape&, const int16_t*, const int16_t*, int64_t*,
                                         int64_t, int64_t);
template void gemm_int<int32_t, int32_t>(const GemmShape&, const int32_t*, const int32_t*, int64_t*,
                                         int64_t, int64_t);

IsaCap isa_cap() {
  static const IsaCap cap = [] {
    const char* env = std::getenv("QASIM_MAX_ISA");
    const std::string v = env ? env : "";
    if (v == "baseline") return IsaCap::Baseline;
    if (v == "avx2") return IsaCap::Avx2;
    return IsaCap::Avx512;
  }();
  return cap;
}

const char* gemm_int_isa() {
  switch (isa()) {
    case Isa::Avx512Vnni:
      return "avx512-vnni";
    case Isa::AvxVnni:
      return "avx2-vnni";
    case Isa::Avx2:
      return "avx2";
    case Isa::Base:
      break;
  }
  return "baseline";
}

}  // namespace qasim::kernels
