#include "kernels/binary_conv.h"

#include <omp.h>

#include <algorithm>
#include <bit>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace qasim::kernels {

namespace {

constexpr int64_t kPixels = 16;   // output pixels along a row per kernel call
constexpr int64_t kChannels = 4;  // output channels per kernel call

// Packed activations of one image: for every (group, channel word, padded row), the row's
// words split by column phase (column = q * stride_w + phase) so that the taps of
// consecutive outputs are consecutive words, whatever the stride.
struct PackedImage {
  int64_t words = 0;    // 64-channel words per group
  int64_t row_len = 0;  // words per phase row, with kPixels spare zeros for over-reads
  std::vector<uint64_t> bits;
  int64_t row(const ConvShape& s, int64_t stride_w, int64_t grp, int64_t word, int64_t y,
              int64_t phase) const {
    return (((grp * words + word) * s.padded_h + y) * stride_w + phase) * row_len;
  }
};

bool all_plus_minus_one(const IntTensor& t) {
  const int32_t* v = t.data();
  const int64_t n = t.size();
  bool ok = true;
#pragma omp parallel for reduction(&& : ok) if (n > (1 << 16))
  for (int64_t i = 0; i < n; ++i) ok = ok && (v[i] == 1 || v[i] == -1);
  return ok;
}

void pack_image(const ConvProblem& p, int64_t n, PackedImage& img) {
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  const int64_t sw = g.stride_w;
  std::fill(img.bits.begin(), img.bits.end(), 0);
#pragma omp parallel for collapse(2) if (s.in_c * s.in_h * s.in_w > (1 << 15))
  for (int64_t grp = 0; grp < s.groups; ++grp)
    for (int64_t word = 0; word < img.words; ++word) {
      std::vector<uint64_t> line(static_cast<size_t>(s.padded_w));
      const int64_t c0 = grp * s.in_cg + word * 64;
      const int64_t bits = std::min<int64_t>(64, s.in_cg - word * 64);
      for (int64_t y = 0; y < s.in_h; ++y) {
        std::fill(line.begin(), line.end(), 0);
        for (int64_t b = 0; b < bits; ++b) {
          const int32_t* src = p.x.data() + ((n * s.in_c + c0 + b) * s.in_h + y) * s.in_w;
          for (int64_t x = 0; x < s.in_w; ++x)
            line[static_cast<size_t>(x + g.pad_left)] |= uint64_t{src[x] < 0} << b;
        }
        const int64_t yp = y + g.pad_top;
        for (int64_t phase = 0; phase < sw; ++phase) {
          uint64_t* dst = img.bits.data() + img.row(s, sw, grp, word, yp, phase);
          for (int64_t q = 0; q * sw + phase < s.padded_w; ++q) dst[q] = line[q * sw + phase];
        }
      }
    }
}

// Everything a kernel call needs to find its operands.
struct KernelArgs {
  const ConvShape* s;
  const ConvGeometry* g;
  const PackedImage* img;
  const uint64_t* w;    // [out_c][taps * words]
  const int64_t* base;  // per output channel: taps * in_cg + bias
  int64_t grp, oc0, oy, ox0;
  int64_t* out;  // output plane of image n, [out_c][out_h * out_w]
};

// Generic kernel: kChannels x kPixels outputs, popcount per word.
[[gnu::always_inline]] inline void kernel_body(const KernelArgs& a) {
  const ConvShape& s = *a.s;
  const ConvGeometry& g = *a.g;
  const int64_t words = a.img->words, taps_words = int64_t{g.kernel_h} * g.kernel_w * words;
  const uint64_t* wr[kChannels];
  for (int64_t j = 0; j < kChannels; ++j)
    wr[j] = a.w + std::min(a.oc0 + j, (a.grp + 1) * s.out_cg - 1) * taps_words;
  uint64_t acc[kChannels][kPixels] = {};
  for (int kh = 0; kh < g.kernel_h; ++kh) {
    const int64_t iy = a.oy * g.stride_h + kh * g.dilation_h;
    for (int kw = 0; kw < g.kernel_w; ++kw) {
      const int64_t col = kw * g.dilation_w;
      const int64_t tap = (int64_t{kh} * g.kernel_w + kw) * words;
      for (int64_t word = 0; word < words; ++word) {
        const uint64_t* xr = a.img->bits.data() +
                             a.img->row(s, g.stride_w, a.grp, word, iy, col % g.stride_w) + a.ox0 +
                             col / g.stride_w;
        for (int64_t j = 0; j < kChannels; ++j) {
          const uint64_t wv = wr[j][tap + word];
          for (int64_t l = 0; l < kPixels; ++l) acc[j][l] += std::popcount(xr[l] ^ wv);
        }
      }
    }
  }
  const int64_t pixels = std::min(kPixels, s.out_w - a.ox0);
  for (int64_t j = 0; j < kChannels && a.oc0 + j < (a.grp + 1) * s.out_cg; ++j) {
    int64_t* dst = a.out + (a.oc0 + j) * s.positions() + a.oy * s.out_w + a.ox0;
    for (int64_t l = 0; l < pixels; ++l)
      dst[l] = a.base[a.oc0 + j] - 2 * static_cast<int64_t>(acc[j][l]);
  }
}

void kernel_scalar(const KernelArgs& a) {
  kernel_body(a);
}

#if defined(__x86_64__)
[[gnu::target("popcnt")]] void kernel_popcnt(const KernelArgs& a) {
  kernel_body(a);
}

// AVX-512: 16 pixels are two vectors of 8 words; one broadcast weight word per channel.
// vpopcntq does the counting 8 words at a time.
[[gnu::target("avx512f,avx512vpopcntdq")]] void kernel_avx512(const KernelArgs& a) {
  const ConvShape& s = *a.s;
  const ConvGeometry& g = *a.g;
  const int64_t words = a.img->words, taps_words = int64_t{g.kernel_h} * g.kernel_w * words;
  const int64_t oc_end = (a.grp + 1) * s.out_cg;
  const uint64_t* wr[kChannels];
  for (int64_t j = 0; j < kChannels; ++j)
    wr[j] = a.w + std::min(a.oc0 + j, oc_end - 1) * taps_words;
  __m512i acc[kChannels][2];
  for (auto& row : acc) row[0] = row[1] = _mm512_setzero_si512();
  for (int kh = 0; kh < g.kernel_h; ++kh) {
    const int64_t iy = a.oy * g.stride_h + kh * g.dilation_h;
    for (int kw = 0; kw < g.kernel_w; ++kw) {
      const int64_t col = kw * g.dilation_w;
      const int64_t tap = (int64_t{kh} * g.kernel_w + kw) * words;
      for (int64_t word = 0; word < words; ++word) {
        const uint64_t* xr = a.img->bits.data() +
                             a.img->row(s, g.stride_w, a.grp, word, iy, col % g.stride_w) + a.ox0 +
                             col / g.stride_w;
        const __m512i x0 = _mm512_loadu_si512(xr);
        const __m512i x1 = _mm512_loadu_si512(xr + 8);
        for (int64_t j = 0; j < kChannels; ++j) {
          const __m512i wv = _mm512_set1_epi64(static_cast<int64_t>(wr[j][tap + word]));
          acc[j][0] = _mm512_add_epi64(acc[j][0], _mm512_popcnt_epi64(_mm512_xor_si512(x0, wv)));
          acc[j][1] = _mm512_add_epi64(acc[j][1], _mm512_popcnt_epi64(_mm512_xor_si512(x1, wv)));
        }
      }
    }
  }
  const int64_t pixels = std::min(kPixels, s.out_w - a.ox0);
  const __mmask8 m0 = static_cast<__mmask8>(pixels >= 8 ? 0xff : (1u << pixels) - 1);
  const __mmask8 m1 = static_cast<__mmask8>(pixels >= 16  ? 0xff
                                            : pixels <= 8 ? 0
                                                          : (1u << (pixels - 8)) - 1);
  for (int64_t j = 0; j < kChannels && a.oc0 + j < oc_end; ++j) {
    int64_t* dst = a.out + (a.oc0 + j) * s.positions() + a.oy * s.out_w + a.ox0;
    const __m512i base = _mm512_set1_epi64(a.base[a.oc0 + j]);
    _mm512_mask_storeu_epi64(dst, m0,
                             _mm512_sub_epi64(base, _mm512_add_epi64(acc[j][0], acc[j][0])));
    _mm512_mask_storeu_epi64(dst + 8, m1,
                             _mm512_sub_epi64(base, _mm512_add_epi64(acc[j][1], acc[j][1])));
  }
}
#endif

using KernelFn = void (*)(const KernelArgs&);

enum class Isa { Scalar, Popcnt, Avx512 };

Isa detect() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("popcnt")) return Isa::Popcnt;
#endif
  return Isa::Scalar;
}

Isa isa() {
  static const Isa cached = detect();
  return cached;
}

KernelFn pick_kernel() {
#if defined(__x86_64__)
  if (isa() == Isa::Avx512) return kernel_avx512;
  if (isa() == Isa::Popcnt) return kernel_popcnt;
#endif
  return kernel_scalar;
}

// Padded taps were read as +1 (zero bits), adding the tap's weight sum; take it back out
// for the outputs whose receptive field crosses the border.
void remove_padding(const ConvProblem& p, const std::vector<int64_t>& tap_sums, int64_t* out) {
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
  auto inside = [](int64_t v, int64_t size) { return v >= 0 && v < size; };
  std::vector<char> row_border(static_cast<size_t>(s.out_h)),
      col_border(static_cast<size_t>(s.out_w));
  for (int64_t oy = 0; oy < s.out_h; ++oy)
    for (int kh = 0; kh < g.kernel_h; ++kh)
      row_border[oy] |= !inside(oy * g.stride_h + kh * g.dilation_h - g.pad_top, s.in_h);
  for (int64_t ox = 0; ox < s.out_w; ++ox)
    for (int kw = 0; kw < g.kernel_w; ++kw)
      col_border[ox] |= !inside(ox * g.stride_w + kw * g.dilation_w - g.pad_left, s.in_w);
#pragma omp parallel for if (s.out_c * s.positions() > (1 << 14))
  for (int64_t oc = 0; oc < s.out_c; ++oc)
    for (int64_t oy = 0; oy < s.out_h; ++oy)
      for (int64_t ox = 0; ox < s.out_w; ++ox) {
        if (!row_border[oy] && !col_border[ox]) continue;
        int64_t padded = 0;
        for (int kh = 0; kh < g.kernel_h; ++kh)
          for (int kw = 0; kw < g.kernel_w; ++kw)
            if (!inside(oy * g.stride_h + kh * g.dilation_h - g.pad_top, s.in_h) ||
                !inside(ox * g.stride_w + kw * g.dilation_w - g.pad_left, s.in_w))
              padded += tap_sums[static_cast<size_t>(oc * taps + kh * g.kernel_w + kw)];
        out[oc * s.positions() + oy * s.out_w + ox] -= padded;
      }
}

}  // namespace

const char* binary_conv_isa() {
  switch (isa()) {
    case Isa::Avx512:
      return "avx512-vpopcntdq";
    case Isa::Popcnt:
      return "popcnt";
    case Isa::Scalar:
      break;
  }
  return "scalar";
}

bool binary_conv(const ConvProblem& p, AccTensor& out) {
  if (p.x_zp != 0 || p.w_zp_nonzero()) return false;
  if (!all_plus_minus_one(p.x) || !all_plus_minus_one(p.w)) return false;
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;

  PackedImage img;
  img.words = (s.in_cg + 63) / 64;
  img.row_len = (s.padded_w + g.stride_w - 1) / g.stride_w + kPixels;
  img.bits.resize(
      static_cast<size_t>(s.groups * img.words * s.padded_h * g.stride_w * img.row_len));

  // Weights as [oc][tap][word] bits; each tap's weight sum for the border correction.
  std::vector<uint64_t> w(static_cast<size_t>(s.out_c * taps * img.words), 0);
  std::vector<int64_t> tap_sums(static_cast<size_t>(s.out_c * taps), 0);
  for (int64_t oc = 0; oc < s.out_c; ++oc)
    for (int64_t ic = 0; ic < s.in_cg; ++ic)
      for (int64_t t = 0; t < taps; ++t) {
        const int32_t v = p.w[(oc * s.in_cg + ic) * taps + t];
        w[static_cast<size_t>((oc * taps + t) * img.words + ic / 64)] |= uint64_t{v < 0}
                                                                         << (ic % 64);
        tap_sums[static_cast<size_t>(oc * taps + t)] += v;
      }
  std::vector<int64_t> base(static_cast<size_t>(s.out_c));
  for (int64_t oc = 0; oc < s.out_c; ++oc)
    base[oc] = taps * s.in_cg + (p.bias.empty() ? 0 : p.bias[oc]);

  const KernelFn kernel = pick_kernel();
  const int64_t oc_blocks = (s.out_cg + kChannels - 1) / kChannels;
  const int64_t px_blocks = (s.out_w + kPixels - 1) / kPixels;
  for (int64_t n = 0; n < s.batch; ++n) {
    pack_image(p, n, img);
    int64_t* plane = out.data() + n * s.out_c * s.positions();
#pragma omp parallel for collapse(3) schedule(dynamic, 4)
    for (int64_t grp = 0; grp < s.groups; ++grp)
      for (int64_t ob = 0; ob < oc_blocks; ++ob)
        for (int64_t oy = 0; oy < s.out_h; ++oy)
          for (int64_t xb = 0; xb < px_blocks; ++xb) {
            const KernelArgs a{
                &s, &g,           &img, w.data(), base.data(), grp, grp * s.out_cg + ob * kChannels,
                oy, xb * kPixels, plane};
            kernel(a);
          }
    remove_padding(p, tap_sums, plane);
  }
  return true;
}

}  // namespace qasim::kernels
