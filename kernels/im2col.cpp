#include "kernels/im2col.h"

#include <fmt/format.h>
#include <omp.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <new>
#include <numeric>
#include <stdexcept>

namespace qasim::kernels {

ConvShape conv_shape(const Dims& x, const Dims& w, const ConvGeometry& g) {
  auto fail = [&](const std::string& problem) {
    throw std::invalid_argument(
        fmt::format("conv2d: x {} w {}: {}", dims_to_string(x), dims_to_string(w), problem));
  };
  if (x.size() != 4 || w.size() != 4) fail("x and w must be 4-D (NCHW, [OC, C/groups, KH, KW])");
  if (g.groups < 1 || g.stride_h < 1 || g.stride_w < 1 || g.dilation_h < 1 || g.dilation_w < 1)
    fail("groups, strides and dilations must be >= 1");
  if (g.pad_top < 0 || g.pad_left < 0 || g.pad_bottom < 0 || g.pad_right < 0)
    fail("negative padding");
  if (w[2] != g.kernel_h || w[3] != g.kernel_w)
    fail(fmt::format("kernel {}x{} does not match the geometry's {}x{}", w[2], w[3], g.kernel_h,
                     g.kernel_w));
  if (g.kernel_h < 1 || g.kernel_w < 1 ||
      x[2] + g.pad_top + g.pad_bottom < int64_t{g.dilation_h} * (g.kernel_h - 1) + 1 ||
      x[3] + g.pad_left + g.pad_right < int64_t{g.dilation_w} * (g.kernel_w - 1) + 1)
    fail("the kernel does not fit the padded input");  // checked before out_h() truncates
  ConvShape s;
  s.batch = x[0], s.in_c = x[1], s.in_h = x[2], s.in_w = x[3];
  s.out_c = w[0], s.groups = g.groups;
  if (s.in_c % s.groups != 0 || s.out_c % s.groups != 0)
    fail(fmt::format("channels {} -> {} not divisible by {} groups", s.in_c, s.out_c, s.groups));
  s.in_cg = s.in_c / s.groups, s.out_cg = s.out_c / s.groups;
  if (w[1] != s.in_cg) fail(fmt::format("weights expect {} input channels per group", w[1]));
  s.out_h = g.out_h(static_cast<int>(s.in_h));
  s.out_w = g.out_w(static_cast<int>(s.in_w));
  s.padded_h = s.in_h + g.pad_top + g.pad_bottom;
  s.padded_w = s.in_w + g.pad_left + g.pad_right;
  s.k = s.in_cg * g.kernel_h * g.kernel_w;
  return s;
}

namespace {

bool have_avx512_gather() {
#if defined(__x86_64__)
  static const bool have = isa_cap() == IsaCap::Avx512 && __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return have;
#else
  return false;
#endif
}

#if defined(__x86_64__)
// One input row to 8-bit NHWC: a gather collects a pixel's 16 channels (one plane apart),
// which are narrowed and stored as 16 contiguous bytes. Several times faster than the
// scalar transpose, which dominated the int8 path on large maps.
[[gnu::target("avx512f,avx512bw,avx512vl")]] void stage_row_8bit_avx512(
    const int32_t* src, int64_t plane, int64_t channels, int64_t width, int32_t offset,
    uint8_t* row) {
  const __m512i idx =
      _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(static_cast<int32_t>(plane)));
  const __m512i off = _mm512_set1_epi32(offset);
  for (int64_t c0 = 0; c0 < channels; c0 += 16) {
    const int64_t n = std::min<int64_t>(16, channels - c0);
    const __mmask16 m = static_cast<__mmask16>(n == 16 ? 0xffff : (1u << n) - 1);
    const int32_t* base = src + c0 * plane;
    for (int64_t xx = 0; xx < width; ++xx) {
      __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, idx, base + xx, 4);
      // The encoded values fit 8 bits, so truncation is exact for u8 and s8 alike.
      _mm512_mask_cvtepi32_storeu_epi8(row + xx * channels + c0, m, _mm512_sub_epi32(v, off));
    }
  }
}
#else
void stage_row_8bit_avx512(const int32_t*, int64_t, int64_t, int64_t, int32_t, uint8_t*) {}
#endif

}  // namespace

template <typename T>
void stage_nhwc(const IntTensor& x, int64_t n, const ConvShape& s, const ConvGeometry& g,
                int32_t offset, int32_t fill, T* out) {
  const T pad = static_cast<T>(fill - offset);
  const int64_t c = s.in_c, wp = s.padded_w;
  // Border rows and columns only: the interior is overwritten below.
  auto fill_pixels = [&](int64_t y, int64_t x0, int64_t x1) {
    std::fill(out + (y * wp + x0) * c, out + (y * wp + x1) * c, pad);
  };
  for (int64_t y = 0; y < s.padded_h; ++y) {
    if (y < g.pad_top || y >= g.pad_top + s.in_h) {
      fill_pixels(y, 0, wp);
    } else {
      fill_pixels(y, 0, g.pad_left);
      fill_pixels(y, g.pad_left + s.in_w, wp);
    }
  }
  const int32_t* src = x.data() + n * s.in_c * s.in_h * s.in_w;
  if constexpr (sizeof(T) == 1) {
    if (c >= 8 && have_avx512_gather()) {
#pragma omp parallel for if (!omp_in_parallel() && c * s.in_h * s.in_w > (1 << 14))
      for (int64_t y = 0; y < s.in_h; ++y)
        stage_row_8bit_avx512(
            src + y * s.in_w, s.in_h * s.in_w, c, s.in_w, offset,
            reinterpret_cast<uint8_t*>(out) + ((y + g.pad_top) * wp + g.pad_left) * c);
      return;
    }
  }
  // NCHW -> NHWC is a transpose per row; 16x16 tiles keep both the 16 source rows and
  // the 16 destination pixels in L1 (a plain sweep strides through one of them).
  constexpr int64_t kTile = 16;
  const int64_t ch_tiles = (c + kTile - 1) / kTile;
#pragma omp parallel for collapse(2) if (!omp_in_parallel() && c * s.in_h * s.in_w > (1 << 14))
  for (int64_t y = 0; y < s.in_h; ++y)
    for (int64_t ct = 0; ct < ch_tiles; ++ct) {
      T* row = out + ((y + g.pad_top) * wp + g.pad_left) * c;
      const int64_t ch0 = ct * kTile, ch1 = std::min(c, ch0 + kTile);
      for (int64_t x0 = 0; x0 < s.in_w; x0 += kTile) {
        const int64_t x1 = std::min(s.in_w, x0 + kTile);
        for (int64_t ch = ch0; ch < ch1; ++ch) {
          const int32_t* in = src + (ch * s.in_h + y) * s.in_w;
          for (int64_t xx = x0; xx < x1; ++xx) row[xx * c + ch] = static_cast<T>(in[xx] - offset);
        }
      }
    }
}

template <typename T>
void im2col(const T* staged, const ConvShape& s, const ConvGeometry& g, int64_t group,
            int64_t k_stride, T* cols, int64_t* row_sums) {
  const int64_t cg = s.in_cg;
#pragma omp parallel for if (!omp_in_parallel() && s.positions() * s.k > (1 << 16))
  for (int64_t oy = 0; oy < s.out_h; ++oy)
    for (int64_t ox = 0; ox < s.out_w; ++ox) {
      T* row = cols + (oy * s.out_w + ox) * k_stride;
      T* dst = row;
      for (int kh = 0; kh < g.kernel_h; ++kh) {
        const int64_t iy = oy * g.stride_h + kh * g.dilation_h;
        for (int kw = 0; kw < g.kernel_w; ++kw) {
          const int64_t ix = ox * g.stride_w + kw * g.dilation_w;
          const T* src = staged + (iy * s.padded_w + ix) * s.in_c + group * cg;
          std::memcpy(dst, src, static_cast<size_t>(cg) * sizeof(T));
          dst += cg;
        }
      }
      std::fill(dst, row + k_stride, T{0});
      if (row_sums) {
        int64_t sum = 0;
        for (int64_t k = 0; k < s.k; ++k) sum += row[k];
        row_sums[oy * s.out_w + ox] = sum;
      }
    }
}

template <typename T>
void pack_weights(const IntTensor& w, const ConvShape& s, const ConvGeometry& g, int32_t offset,
                  int64_t k_stride, T* out) {
  const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
  for (int64_t oc = 0; oc < s.out_c; ++oc) {
    T* row = out + oc * k_stride;
    const int32_t* src = w.data() + oc * s.in_cg * taps;
    for (int64_t ic = 0; ic < s.in_cg; ++ic)
      for (int64_t t = 0; t < taps; ++t)
        row[t * s.in_cg + ic] = static_cast<T>(src[ic * taps + t] - offset);
    std::fill(row + s.k, row + k_stride, T{0});
  }
}

std::vector<int64_t> window_sums(const IntTensor& x, const ConvShape& s, const ConvGeometry& g,
                                 int32_t offset, int32_t fill) {
  const int64_t positions = s.positions(), plane = s.in_h * s.in_w;
  std::vector<int64_t> sums(static_cast<size_t>(s.batch * s.groups * positions));
  const int64_t pad_sum = s.in_cg * (int64_t{fill} - offset);
#pragma omp parallel for collapse(2) if (s.batch * s.groups > 1)
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t grp = 0; grp < s.groups; ++grp) {
      // Channel sums over the padded image, then box sums over each receptive field.
      std::vector<int64_t> cs(static_cast<size_t>(s.padded_h * s.padded_w), pad_sum);
      for (int64_t y = 0; y < s.in_h; ++y)
        std::fill_n(cs.begin() + (y + g.pad_top) * s.padded_w + g.pad_left, s.in_w, 0);
      for (int64_t ic = 0; ic < s.in_cg; ++ic) {
        const int32_t* src = x.data() + (n * s.in_c + grp * s.in_cg + ic) * plane;
        for (int64_t y = 0; y < s.in_h; ++y) {
          int64_t* dst = cs.data() + (y + g.pad_top) * s.padded_w + g.pad_left;
          for (int64_t xx = 0; xx < s.in_w; ++xx) dst[xx] += src[y * s.in_w + xx] - offset;
        }
      }
      int64_t* out = sums.data() + (n * s.groups + grp) * positions;
      for (int64_t oy = 0; oy < s.out_h; ++oy)
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          int64_t sum = 0;
          for (int kh = 0; kh < g.kernel_h; ++kh)
            for (int kw = 0; kw < g.kernel_w; ++kw)
              sum += cs[static_cast<size_t>((oy * g.stride_h + kh * g.dilation_h) * s.padded_w +
                                            ox * g.stride_w + kw * g.dilation_w)];
          out[oy * s.out_w + ox] = sum;
        }
    }
  return sums;
}

WeightEntry::WeightEntry(const IntTensor& w) : m_source(w) {
  m_range = value_range(w.data(), w.size());
  const int32_t* v = w.data();
  const int64_t n = w.size();
  bool ok = true;
#pragma omp parallel for reduction(&& : ok) if (n > (1 << 16))
  for (int64_t i = 0; i < n; ++i) ok = ok && (v[i] == 1 || v[i] == -1);
  m_plus_minus_one = ok;
}

bool WeightEntry::same_content(const IntTensor& w) const {
  if (w.dims() != m_source.dims()) return false;
  // In chunks across threads: on late layers this compare is most of a batch-1 call.
  constexpr int64_t kChunk = 1 << 16;
  const int64_t n = w.size(), chunks = (n + kChunk - 1) / kChunk;
  bool same = true;
#pragma omp parallel for reduction(&& : same) if (chunks > 4 && !omp_in_parallel())
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t begin = c * kChunk, count = std::min(kChunk, n - begin);
    same = same && std::memcmp(w.data() + begin, m_source.data() + begin,
                               static_cast<size_t>(count) * sizeof(int32_t)) == 0;
  }
  return same;
}

namespace {

struct CacheSlot {
  std::shared_ptr<WeightEntry> entry;
  uint64_t last_use = 0;
};
// Budget for the copies of source weights (the derived forms are smaller); a few
// ResNet-50s' worth.
constexpr size_t kCacheBudgetBytes = size_t{1} << 30;
std::mutex g_cache_mutex;
std::map<std::pair<const void*, Dims>, CacheSlot> g_cache;
uint64_t g_cache_clock = 0;

}  // namespace

std::shared_ptr<WeightEntry> cached_weights(const IntTensor& w) {
  const auto key = std::make_pair(static_cast<const void*>(w.data()), w.dims());
  std::shared_ptr<WeightEntry> entry;
  {
    std::lock_guard<std::mutex> lock(g_cache_mutex);
    auto it = g_cache.find(key);
    if (it != g_cache.end()) {
      it->second.last_use = ++g_cache_clock;
      entry = it->second.entry;
    }
  }
  if (entry && entry->same_content(w)) return entry;
  entry = std::make_shared<WeightEntry>(w);
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  g_cache[key] = {entry, ++g_cache_clock};
  size_t bytes = 0;
  for (const auto& [k, slot] : g_cache) bytes += slot.entry->source().size() * sizeof(int32_t);
  while (bytes > kCacheBudgetBytes && g_cache.size() > 1) {
    auto oldest = std::min_element(
        g_cache.begin(), g_cache.end(),
        [](const auto& a, const auto& b) { return a.second.last_use < b.second.last_use; });
    bytes -= oldest->second.entry->source().size() * sizeof(int32_t);
    g_cache.erase(oldest);
  }
  return entry;
}

void clear_weight_cache() {
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  g_cache.clear();
}

std::optional<ConvProblem> make_conv_problem(const IntTensor& x, const QuantParams& xq,
                                             const IntTensor& w, const QuantParams& wq,
                                             const std::vector<int32_t>& bias,
                                             const ConvGeometry& g, const Dims* conv_w_dims) {
  const ConvShape s = conv_shape(x.dims(), conv_w_dims ? *conv_w_dims : w.dims(), g);
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != s.out_c)
    throw std::invalid_argument(
        fmt::format("conv2d: {} biases for {} output channels", bias.size(), s.out_c));
  const size_t w_zps = wq.zero_point.size();
  if (xq.zero_point.size() != 1 || (w_zps != 1 && static_cast<int64_t>(w_zps) != s.out_c))
    return std::nullopt;
  ConvProblem p{x, w, bias, g, s, xq.zero_point[0], {}, {}, {}, cached_weights(w)};
  p.w_zp.resize(static_cast<size_t>(s.out_c));
  for (int64_t oc = 0; oc < s.out_c; ++oc) p.w_zp[oc] = wq.zero_point_at(oc);
  p.x_range = value_range(x.data(), x.size());
  const bool padded = g.pad_top > 0 || g.pad_left > 0 || g.pad_bottom > 0 || g.pad_right > 0;
  if (padded || x.empty()) {
    p.x_range.lo = x.empty() ? p.x_zp : std::min<int64_t>(p.x_range.lo, p.x_zp);
    p.x_range.hi = x.empty() ? p.x_zp : std::max<int64_t>(p.x_range.hi, p.x_zp);
  }
  p.w_range = p.weights->range();
  return p;
}

void* scratch_buffer(ScratchSlot slot, size_t bytes) {
  struct AlignedFree {
    void operator()(void* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  struct Buffer {
    std::unique_ptr<void, AlignedFree> data;
    size_t size = 0;
  };
  thread_local Buffer buffers[static_cast<size_t>(ScratchSlot::Count)];
  Buffer& b = buffers[static_cast<size_t>(slot)];
  if (b.size < bytes) {
    // Grown to the largest request and kept: the golden engine repeats the same shapes.
    b.data.reset();
    b.size = std::max(bytes, size_t{4096});
    b.data.reset(::operator new[](b.size, std::align_val_t{64}));
  }
  return b.data.get();
}

bool ConvProblem::w_zp_nonzero() const {
  return std::any_of(w_zp.begin(), w_zp.end(), [](int32_t z) { return z != 0; });
}

namespace {

template <typename TA, typename TB>
void conv_gemm_typed(const ConvProblem& p, const GemmEncoding& xe, const GemmEncoding& we,
                     AccTensor& out) {
  const ConvShape& s = p.s;
  const int64_t ks = gemm_k_stride(s.k), positions = s.positions();
  struct Packed {
    std::vector<TA> rows;       // [out_c][ks]
    std::vector<int64_t> sums;  // per output channel: sum of the encoded weights
  };
  const auto packed =
      p.weights->derived<Packed>(fmt::format("gemm {}x{} w{}", sizeof(TA), s.k, we.offset), [&] {
        auto w = std::make_shared<Packed>();
        w->rows.resize(static_cast<size_t>(s.out_c * ks));
        pack_weights<TA>(p.w, s, p.g, we.offset, ks, w->rows.data());
        w->sums.resize(static_cast<size_t>(s.out_c));
        for (int64_t oc = 0; oc < s.out_c; ++oc) {
          const TA* row = w->rows.data() + oc * ks;
          w->sums[oc] = std::accumulate(row, row + s.k, int64_t{0});
        }
        return w;
      });

  // sum (x - zx)(w - zw) over the encoded values x' = x - ox, w' = w - ow is
  //   sum x'w' - zw'.sum x' - zx'.sum w' + k.zx'.zw'   with zx' = zx - ox, zw' = zw - ow;
  // the last three terms and the bias are folded into `constant` and `zw`.
  const int64_t zx = int64_t{p.x_zp} - xe.offset;
  std::vector<int64_t> zw(static_cast<size_t>(s.out_c)), constant(zw.size());
  bool need_row_sums = false;
  for (int64_t oc = 0; oc < s.out_c; ++oc) {
    zw[oc] = int64_t{p.w_zp[oc]} - we.offset;
    need_row_sums |= zw[oc] != 0;
    constant[oc] = (p.bias.empty() ? 0 : p.bias[oc]) - zx * packed->sums[oc] + s.k * zx * zw[oc];
  }

  TB* const staged =
      scratch<TB>(ScratchSlot::Input, static_cast<size_t>(s.padded_h * s.padded_w * s.in_c));
  auto run_group = [&](int64_t n, int64_t grp, TB* cols, int64_t* row_sums) {
    im2col<TB>(staged, s, p.g, grp, ks, cols, need_row_sums ? row_sums : nullptr);
    int64_t* c = out.data() + (n * s.out_c + grp * s.out_cg) * positions;
    const GemmShape shape{s.out_cg, positions, s.k, positions, 1};
    gemm_int<TA, TB>(shape, packed->rows.data() + grp * s.out_cg * ks, cols, c, we.max_abs,
                     xe.max_abs);
#pragma omp parallel for if (!omp_in_parallel() && s.out_cg * positions > (1 << 14))
    for (int64_t m = 0; m < s.out_cg; ++m) {
      const int64_t oc = grp * s.out_cg + m;
      int64_t* row = c + m * positions;
      for (int64_t i = 0; i < positions; ++i)
        row[i] += constant[oc] - (need_row_sums ? zw[oc] * row_sums[i] : 0);
    }
  };
  const size_t cols_size = static_cast<size_t>(positions * ks);
  // Many small groups (depthwise): one group per thread. Few groups: each GEMM is
  // parallel on its own.
  const bool per_group_threads = s.groups >= 2 * omp_get_max_threads();
  for (int64_t n = 0; n < s.batch; ++n) {
    stage_nhwc<TB>(p.x, n, s, p.g, xe.offset, p.x_zp, staged);
    if (per_group_threads) {
#pragma omp parallel
      {
        // Each thread's own scratch (thread_local), distinct from the staged input's slot.
        TB* const cols = scratch<TB>(ScratchSlot::Output, cols_size);
        int64_t* const row_sums = scratch<int64_t>(ScratchSlot::Library, positions);
#pragma omp for schedule(dynamic, 1)
        for (int64_t grp = 0; grp < s.groups; ++grp) run_group(n, grp, cols, row_sums);
      }
    } else {
      TB* const cols = scratch<TB>(ScratchSlot::Output, cols_size);
      int64_t* const row_sums = scratch<int64_t>(ScratchSlot::Library, positions);
      for (int64_t grp = 0; grp < s.groups; ++grp) run_group(n, grp, cols, row_sums);
    }
  }
}

}  // namespace

void conv_via_gemm(const ConvProblem& p, AccTensor& out) {
  GemmEncoding xe, we;
  const ValueRange& xr = p.x_range;
  const ValueRange& wr = p.w_range;
  if (encode_for_gemm(xr.lo, xr.hi, GemmElem::U8, &xe) &&
      encode_for_gemm(wr.lo, wr.hi, GemmElem::S8, &we))
    return conv_gemm_typed<int8_t, uint8_t>(p, xe, we, out);
  if (encode_for_gemm(xr.lo, xr.hi, GemmElem::I16, &xe) &&
      encode_for_gemm(wr.lo, wr.hi, GemmElem::I16, &we))
    return conv_gemm_typed<int16_t, int16_t>(p, xe, we, out);
  // int32 values always fit int32 storage (the products then go through int64).
  encode_for_gemm(xr.lo, xr.hi, GemmElem::I32, &xe);
  encode_for_gemm(wr.lo, wr.hi, GemmElem::I32, &we);
  conv_gemm_typed<int32_t, int32_t>(p, xe, we, out);
}

#define QASIM_IM2COL_INSTANTIATE(T)                                                               \
  template void stage_nhwc<T>(const IntTensor&, int64_t, const ConvShape&, const ConvGeometry&,   \
                              int32_t, int32_t, T*);                                              \
  template void im2col<T>(const T*, const ConvShape&, const ConvGeometry&, int64_t, int64_t, T*,  \
                          int64_t*);                                                              \
  template void pack_weights<T>(const IntTensor&, const ConvShape&, const ConvGeometry&, int32_t, \
                                int64_t, T*);
QASIM_IM2COL_INSTANTIATE(int8_t)
QASIM_IM2COL_INSTANTIATE(uint8_t)
QASIM_IM2COL_INSTANTIATE(int16_t)
QASIM_IM2COL_INSTANTIATE(int32_t)
#undef QASIM_IM2COL_INSTANTIATE

}  // namespace qasim::kernels
