#include "kernels/binary_conv.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace qasim::kernels {

namespace {

constexpr int64_t kLanes = 16;    // consecutive output positions per kernel call
constexpr int64_t kChannels = 8;  // output channels per kernel call

// Where one image's packed activations live. Rows and columns are split by stride phase
// (padded row = y' * stride_h + row phase, column = q * stride_w + column phase), so the
// word that tap (kh, kw) of output (oy, ox) reads sits at
//   oy * row_len + ox + tap_offset(kh, kw)
// within a (group, channel word) plane, for any stride and dilation. Consecutive outputs
// thus read consecutive words, and a whole output image is one run of "virtual positions"
// v = oy * row_len + ox; the columns ox >= out_w in it are computed and dropped, which
// wastes far less than padding each output row to the vector width on 7x7 or 14x14 maps.
struct Layout {
  int64_t words = 0;              // 64-channel words per group
  int64_t rows = 0;               // ceil(padded_h / stride_h)
  int64_t row_len = 0;            // ceil(padded_w / stride_w)
  int64_t plane = 0;              // words in one (group, channel word) plane
  int64_t virtual_positions = 0;  // out_h * row_len
  std::vector<int64_t> steps;     // per (tap, word), in weight order: offset from v
  int64_t index(const ConvGeometry& g, int64_t y, int64_t x) const {  // padded coords
    return ((y % g.stride_h * g.stride_w + x % g.stride_w) * rows + y / g.stride_h) * row_len +
           x / g.stride_w;
  }
};

Layout make_layout(const ConvShape& s, const ConvGeometry& g) {
  Layout l;
  l.words = (s.in_cg + 63) / 64;
  l.rows = (s.padded_h + g.stride_h - 1) / g.stride_h;
  l.row_len = (s.padded_w + g.stride_w - 1) / g.stride_w;
  l.plane = int64_t{g.stride_h} * g.stride_w * l.rows * l.row_len;
  l.virtual_positions = s.out_h * l.row_len;
  for (int64_t kh = 0; kh < g.kernel_h; ++kh)
    for (int64_t kw = 0; kw < g.kernel_w; ++kw)
      for (int64_t word = 0; word < l.words; ++word)
        l.steps.push_back(word * l.plane + l.index(g, kh * g.dilation_h, kw * g.dilation_w));
  return l;
}

// Packs input row y of channel word `word` of group `grp` of image n into its plane, and
// returns a nonzero value if some value in it is not -1 or +1 (v + 1 must be 0 or 2).
[[gnu::always_inline]] inline uint32_t pack_row_body(const ConvProblem& p, const Layout& l,
                                                     int64_t n, int64_t grp, int64_t word,
                                                     int64_t y, uint64_t* __restrict line,
                                                     uint64_t* bits) {
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  // Locals, so that stores through `line` cannot be taken to change them (which blocks
  // vectorisation).
  const int64_t width = s.in_w;
  const int64_t c0 = grp * s.in_cg + word * 64;
  const int64_t count = std::min<int64_t>(64, s.in_cg - word * 64);
  const int32_t* image = p.x.data() + n * s.in_c * s.in_h * width;
  const int64_t plane_size = s.in_h * width;
  uint32_t bad = 0;
  std::fill(line, line + width, 0);
  for (int64_t b = 0; b < count; ++b) {
    const int32_t* __restrict src = image + (c0 + b) * plane_size + y * width;
    // Two simple loops vectorise; one loop mixing 32- and 64-bit lanes does not.
    for (int64_t x = 0; x < width; ++x) bad |= (static_cast<uint32_t>(src[x]) + 1u) & ~2u;
    for (int64_t x = 0; x < width; ++x)
      line[x] |= uint64_t{static_cast<uint32_t>(src[x]) >> 31} << b;
  }
  uint64_t* plane = bits + (grp * l.words + word) * l.plane;
  for (int64_t x = 0; x < width; ++x) plane[l.index(g, y + g.pad_top, x + g.pad_left)] = line[x];
  return bad;
}

uint32_t pack_row_base(const ConvProblem& p, const Layout& l, int64_t n, int64_t grp, int64_t word,
                       int64_t y, uint64_t* line, uint64_t* bits) {
  return pack_row_body(p, l, n, grp, word, y, line, bits);
}

#if defined(__x86_64__)
[[gnu::target("avx512f,avx512bw,avx512vl")]] uint32_t pack_row_avx512(const ConvProblem& p,
                                                                      const Layout& l, int64_t n,
                                                                      int64_t grp, int64_t word,
                                                                      int64_t y, uint64_t* line,
                                                                      uint64_t* bits) {
  return pack_row_body(p, l, n, grp, word, y, line, bits);
}
#endif

using PackRowFn = uint32_t (*)(const ConvProblem&, const Layout&, int64_t, int64_t, int64_t,
                               int64_t, uint64_t*, uint64_t*);

// Packs image n into `bits` ([group][word] planes, then spare words for over-reads).
// Padding stays 0, i.e. +1 (taken back out through PaddingCorrection). False when some
// value of the image is not -1 or +1.
bool pack_image(const ConvProblem& p, const Layout& l, int64_t n, PackRowFn pack_row,
                uint64_t* bits, size_t words) {
  const ConvShape& s = p.s;
  std::fill(bits, bits + words, 0);
  const int64_t rows = s.groups * l.words * s.in_h;
  uint32_t bad = 0;
#pragma omp parallel reduction(| : bad) if (s.in_c * s.in_h * s.in_w > (1 << 15))
  {
    std::vector<uint64_t> line(static_cast<size_t>(s.in_w));
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t y = r % s.in_h, word = r / s.in_h % l.words, grp = r / s.in_h / l.words;
      bad |= pack_row(p, l, n, grp, word, y, line.data(), bits);
    }
  }
  return bad == 0;
}

// Padded taps are read as +1 (zero bits), adding the tap's weight sum; the kernels take
// it back out. Which taps of an output are padding depends only on its row's and its
// column's "pattern" (few distinct ones), so the corrections come as, per channel and row
// pattern, a line over the output columns, which the kernel loads like its accumulators.
struct PaddingCorrection {
  std::vector<int64_t> row_pattern;  // per output row
  int64_t patterns = 0;              // distinct row patterns
  int64_t line_len = 0;              // kLanes + row_len + kLanes: loads may start 15 early
  std::vector<int64_t> lines;        // [out_c][patterns][line_len], column ox at kLanes + ox
};

// A run of lanes of one block that land in one output row: lanes [lo, hi) go to
// out[offset + lane]; their padding corrections are at lines[corr + lane] of the channel.
struct Run {
  int64_t lo, hi, offset, corr;
};

// Every block's valid lanes as runs (at most one per output row a block touches); the
// same for every channel block, so computed once per call. begin[vb] indexes block vb's.
struct Runs {
  std::vector<Run> runs;
  std::vector<int64_t> begin;
};

Runs make_runs(const ConvShape& s, const Layout& l, const PaddingCorrection* pc) {
  const int64_t q = l.row_len;
  const int64_t blocks = (l.virtual_positions + kLanes - 1) / kLanes;
  Runs r;
  for (int64_t vb = 0; vb < blocks; ++vb) {
    r.begin.push_back(static_cast<int64_t>(r.runs.size()));
    const int64_t v0 = vb * kLanes;
    for (int64_t oy = v0 / q; oy <= (v0 + kLanes - 1) / q && oy < s.out_h; ++oy) {
      const int64_t lo = std::max<int64_t>(0, oy * q - v0);
      const int64_t hi = std::min<int64_t>(kLanes, oy * q - v0 + s.out_w);
      const int64_t corr = pc ? pc->row_pattern[oy] * pc->line_len + kLanes + v0 - oy * q : 0;
      if (hi > lo) r.runs.push_back({lo, hi, oy * s.out_w - oy * q + v0, corr});
    }
  }
  r.begin.push_back(static_cast<int64_t>(r.runs.size()));
  return r;
}

// One kernel call: kChannels channels x kLanes virtual positions from v0.
struct KernelArgs {
  const uint64_t* x;  // the group's first plane
  const uint64_t* w;  // first channel's weights, [channel][steps]
  int64_t channels;   // valid channels in the block, 1..kChannels
  const Layout* layout;
  int64_t v0;
  const int64_t* base;  // per channel of the block: taps * in_cg + bias
  int64_t* out;         // first channel's output plane
  int64_t positions;    // channel stride of `out`
  const Run* runs;      // the block's runs
  int64_t n_runs;
  const int64_t* corr;  // first channel's padding corrections, or null
  int64_t corr_stride;  // channel stride of `corr`
};

// Portable kernel: popcount per word.
[[gnu::always_inline]] inline void kernel_body(const KernelArgs& a) {
  const int64_t n_steps = static_cast<int64_t>(a.layout->steps.size());
  const int64_t* steps = a.layout->steps.data();
  const uint64_t* wr[kChannels];
  for (int64_t j = 0; j < kChannels; ++j) wr[j] = a.w + std::min(j, a.channels - 1) * n_steps;
  uint64_t acc[kChannels][kLanes] = {};
  for (int64_t st = 0; st < n_steps; ++st) {
    const uint64_t* xr = a.x + a.v0 + steps[st];
    for (int64_t j = 0; j < kChannels; ++j) {
      const uint64_t wv = wr[j][st];
      for (int64_t lane = 0; lane < kLanes; ++lane) acc[j][lane] += std::popcount(xr[lane] ^ wv);
    }
  }
  for (int64_t j = 0; j < a.channels; ++j)
    for (int64_t r = 0; r < a.n_runs; ++r) {
      const Run& run = a.runs[r];
      const int64_t at = j * a.positions + run.offset;  // lane 0's index in out
      const int64_t* corr = a.corr ? a.corr + j * a.corr_stride + run.corr : nullptr;
      for (int64_t lane = run.lo; lane < run.hi; ++lane)
        a.out[at + lane] =
            a.base[j] - 2 * static_cast<int64_t>(acc[j][lane]) - (corr ? corr[lane] : 0);
    }
}

void kernel_scalar(const KernelArgs& a) {
  kernel_body(a);
}

#if defined(__x86_64__)
[[gnu::target("popcnt")]] void kernel_popcnt(const KernelArgs& a) {
  kernel_body(a);
}

// AVX-512: the 16 positions are two vectors of 8 words, xor'ed with one broadcast weight
// word per channel; vpopcntq counts 8 words at a time.
[[gnu::target("avx512f,avx512vpopcntdq")]] void kernel_avx512(const KernelArgs& a) {
  const int64_t n_steps = static_cast<int64_t>(a.layout->steps.size());
  const int64_t* steps = a.layout->steps.data();
  const uint64_t* wr[kChannels];
  for (int64_t j = 0; j < kChannels; ++j) wr[j] = a.w + std::min(j, a.channels - 1) * n_steps;
  __m512i acc[kChannels][2];
  for (auto& row : acc) row[0] = row[1] = _mm512_setzero_si512();
  const uint64_t* xb = a.x + a.v0;
  for (int64_t st = 0; st < n_steps; ++st) {
    const uint64_t* xr = xb + steps[st];
    const __m512i x0 = _mm512_loadu_si512(xr);
    const __m512i x1 = _mm512_loadu_si512(xr + 8);
    for (int64_t j = 0; j < kChannels; ++j) {
      const __m512i wv = _mm512_set1_epi64(static_cast<int64_t>(wr[j][st]));
      acc[j][0] = _mm512_add_epi64(acc[j][0], _mm512_popcnt_epi64(_mm512_xor_si512(x0, wv)));
      acc[j][1] = _mm512_add_epi64(acc[j][1], _mm512_popcnt_epi64(_mm512_xor_si512(x1, wv)));
    }
  }
  for (int64_t j = 0; j < a.channels; ++j) {
    const __m512i base = _mm512_set1_epi64(a.base[j]);
    const __m512i r0 = _mm512_sub_epi64(base, _mm512_add_epi64(acc[j][0], acc[j][0]));
    const __m512i r1 = _mm512_sub_epi64(base, _mm512_add_epi64(acc[j][1], acc[j][1]));
    for (int64_t r = 0; r < a.n_runs; ++r) {
      const Run& run = a.runs[r];
      // Lane 0's address may lie before `out` (its lane is masked off): form it as an
      // integer, since such a pointer is not a valid C++ pointer value.
      auto* dst = reinterpret_cast<int64_t*>(reinterpret_cast<uintptr_t>(a.out) +
                                             (j * a.positions + run.offset) * 8);
      const unsigned mask = ((1u << run.hi) - 1) & ~((1u << run.lo) - 1);
      __m512i c0 = r0, c1 = r1;
      if (a.corr) {
        const int64_t* corr = a.corr + j * a.corr_stride + run.corr;
        c0 = _mm512_sub_epi64(c0, _mm512_loadu_si512(corr));
        c1 = _mm512_sub_epi64(c1, _mm512_loadu_si512(corr + 8));
      }
      _mm512_mask_storeu_epi64(dst, static_cast<__mmask8>(mask), c0);
      _mm512_mask_storeu_epi64(dst + 8, static_cast<__mmask8>(mask >> 8), c1);
    }
  }
}
#endif

using KernelFn = void (*)(const KernelArgs&);

enum class Isa { Scalar, Popcnt, Avx512 };

Isa detect() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (isa_cap() == IsaCap::Baseline) return Isa::Scalar;
  if (isa_cap() == IsaCap::Avx512 && __builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512vpopcntdq"))
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

// Pattern 0 is "no padded tap"; a pattern is the mask of padded kernel rows (or columns).
std::vector<int64_t> padding_patterns(int64_t outputs, int64_t taps, int64_t stride,
                                      int64_t dilation, int64_t pad, int64_t size,
                                      std::vector<std::vector<char>>& masks) {
  masks.assign(1, std::vector<char>(static_cast<size_t>(taps), 0));
  std::vector<int64_t> id(static_cast<size_t>(outputs));
  for (int64_t o = 0; o < outputs; ++o) {
    std::vector<char> m(static_cast<size_t>(taps));
    for (int64_t t = 0; t < taps; ++t) {
      const int64_t i = o * stride + t * dilation - pad;
      m[t] = i < 0 || i >= size;
    }
    auto it = std::find(masks.begin(), masks.end(), m);
    id[o] = it - masks.begin();
    if (it == masks.end()) masks.push_back(m);
  }
  return id;
}

// Empty `lines` when no output reaches the padding.
PaddingCorrection padding_correction(const ConvProblem& p, const Layout& l,
                                     const std::vector<int64_t>& tap_sums) {
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  const int64_t kh_n = g.kernel_h, kw_n = g.kernel_w, taps_n = kh_n * kw_n;
  PaddingCorrection pc;
  std::vector<std::vector<char>> row_masks, col_masks;
  pc.row_pattern =
      padding_patterns(s.out_h, kh_n, g.stride_h, g.dilation_h, g.pad_top, s.in_h, row_masks);
  const std::vector<int64_t> col_pattern =
      padding_patterns(s.out_w, kw_n, g.stride_w, g.dilation_w, g.pad_left, s.in_w, col_masks);
  if (row_masks.size() == 1 && col_masks.size() == 1) return pc;
  pc.patterns = static_cast<int64_t>(row_masks.size());
  const int64_t n_cols = static_cast<int64_t>(col_masks.size());
  const int64_t pairs = pc.patterns * n_cols;
  // Per pattern pair, which taps are padded (1) as a flat row: each channel's corrections
  // are then plain dot products with its tap sums.
  std::vector<int64_t> padded(static_cast<size_t>(pairs * taps_n));
  for (int64_t r = 0; r < pc.patterns; ++r)
    for (int64_t c = 0; c < n_cols; ++c)
      for (int64_t kh = 0; kh < kh_n; ++kh)
        for (int64_t kw = 0; kw < kw_n; ++kw)
          padded[(r * n_cols + c) * taps_n + kh * kw_n + kw] = row_masks[r][kh] || col_masks[c][kw];
  pc.line_len = kLanes + l.row_len + kLanes;
  pc.lines.assign(static_cast<size_t>(s.out_c * pc.patterns * pc.line_len), 0);
#pragma omp parallel for if (s.out_c * pc.patterns * pc.line_len > (1 << 14))
  for (int64_t oc = 0; oc < s.out_c; ++oc) {
    const int64_t* taps = tap_sums.data() + oc * taps_n;
    std::vector<int64_t> corr(static_cast<size_t>(pairs), 0);
    for (int64_t pair = 0; pair < pairs; ++pair)
      for (int64_t t = 0; t < taps_n; ++t) corr[pair] += padded[pair * taps_n + t] * taps[t];
    for (int64_t r = 0; r < pc.patterns; ++r) {
      int64_t* line = pc.lines.data() + (oc * pc.patterns + r) * pc.line_len + kLanes;
      for (int64_t ox = 0; ox < s.out_w; ++ox) line[ox] = corr[r * n_cols + col_pattern[ox]];
    }
  }
  return pc;
}

// Weights as [oc][tap][word] bits, and each tap's weight sum for the border correction.
struct PackedWeights {
  std::vector<uint64_t> bits;
  std::vector<int64_t> tap_sums;
};

std::shared_ptr<PackedWeights> pack_weights_bits(const ConvProblem& p, int64_t words) {
  const ConvShape& s = p.s;
  const int64_t taps = int64_t{p.g.kernel_h} * p.g.kernel_w;
  auto w = std::make_shared<PackedWeights>();
  w->bits.assign(static_cast<size_t>(s.out_c * taps * words), 0);
  w->tap_sums.assign(static_cast<size_t>(s.out_c * taps), 0);
  const std::vector<int32_t>& src = p.weights->source();
  for (int64_t oc = 0; oc < s.out_c; ++oc)
    for (int64_t ic = 0; ic < s.in_cg; ++ic)
      for (int64_t t = 0; t < taps; ++t) {
        const int32_t v = src[static_cast<size_t>((oc * s.in_cg + ic) * taps + t)];
        w->bits[static_cast<size_t>((oc * taps + t) * words + ic / 64)] |= uint64_t{v < 0}
                                                                           << (ic % 64);
        w->tap_sums[static_cast<size_t>(oc * taps + t)] += v;
      }
  return w;
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
  if (p.x_zp != 0 || p.w_zp_nonzero() || !p.weights->plus_minus_one()) return false;
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
  const Layout layout = make_layout(s, g);
  // Spare words after the last plane: the last block's lanes past the output and taps
  // past the right edge of its last row read (and drop) up to this many.
  const int64_t spare = kLanes + layout.row_len + int64_t{g.kernel_w} * g.dilation_w;
  const size_t words = static_cast<size_t>(s.groups * layout.words * layout.plane + spare);
  uint64_t* const bits = scratch<uint64_t>(ScratchSlot::Input, words);
  const std::shared_ptr<const PackedWeights> w = p.weights->derived<PackedWeights>(
      "binary", [&] { return pack_weights_bits(p, layout.words); });
  std::vector<int64_t> base(static_cast<size_t>(s.out_c));
  for (int64_t oc = 0; oc < s.out_c; ++oc)
    base[oc] = taps * s.in_cg + (p.bias.empty() ? 0 : p.bias[oc]);

  // Depends on the weights and the geometry only: cached with the weights.
  const std::shared_ptr<const PaddingCorrection> padding = p.weights->derived<PaddingCorrection>(
      fmt::format("binary padding {}x{} s{},{} d{},{} p{},{},{},{}", s.in_h, s.in_w, g.stride_h,
                  g.stride_w, g.dilation_h, g.dilation_w, g.pad_top, g.pad_left, g.pad_bottom,
                  g.pad_right),
      [&] {
        return std::make_shared<PaddingCorrection>(padding_correction(p, layout, w->tap_sums));
      });
  const PaddingCorrection* pad = padding->lines.empty() ? nullptr : padding.get();
  const Runs runs = make_runs(s, layout, pad);
  const int64_t corr_stride = pad ? pad->patterns * pad->line_len : 0;
  const KernelFn kernel = pick_kernel();
  PackRowFn pack_row = pack_row_base;
#if defined(__x86_64__)
  if (isa() == Isa::Avx512) pack_row = pack_row_avx512;
#endif
  const int64_t n_steps = static_cast<int64_t>(layout.steps.size());
  const int64_t oc_blocks = (s.out_cg + kChannels - 1) / kChannels;
  const int64_t v_blocks = (layout.virtual_positions + kLanes - 1) / kLanes;
  for (int64_t n = 0; n < s.batch; ++n) {
    // A value other than +-1 (outside the scheme) sends the whole call to the integer
    // paths, which overwrite every output.
    if (!pack_image(p, layout, n, pack_row, bits, words)) return false;
    int64_t* plane = out.data() + n * s.out_c * s.positions();
#pragma omp parallel for collapse(3) schedule(dynamic, 4)
    for (int64_t grp = 0; grp < s.groups; ++grp)
      for (int64_t ob = 0; ob < oc_blocks; ++ob)
        for (int64_t vb = 0; vb < v_blocks; ++vb) {
          const int64_t oc0 = grp * s.out_cg + ob * kChannels;
          const int64_t r0 = runs.begin[vb];
          const KernelArgs a{bits + grp * layout.words * layout.plane,
                             w->bits.data() + oc0 * n_steps,
                             std::min(kChannels, (grp + 1) * s.out_cg - oc0),
                             &layout,
                             vb * kLanes,
                             base.data() + oc0,
                             plane + oc0 * s.positions(),
                             s.positions(),
                             runs.runs.data() + r0,
                             runs.begin[vb + 1] - r0,
                             pad ? pad->lines.data() + oc0 * corr_stride : nullptr,
                             corr_stride};
          kernel(a);
        }
  }
  return true;
}

}  // namespace qasim::kernels
