#include "kernels/onednn_conv.h"

#include "kernels/build_info.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#if defined(QASIM_HAVE_DNNL)
#include <dnnl.hpp>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace qasim::kernels {

#if defined(QASIM_HAVE_DNNL)

namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
using Dt = dnnl::memory::data_type;

// How one convolution is laid out for oneDNN.
struct Plan {
  GemmEncoding x, w;    // x as U8 or S8, w as S8
  int64_t x_zp = 0;     // activation zero point in encoded units
  bool prepad = false;  // padding written by us (holding x_zp) instead of by oneDNN (zeros)
  std::string key;      // cache key: everything the primitive depends on
};

bool plan_conv(const ConvProblem& p, Plan* plan) {
  const ValueRange& xr = p.x_range;
  const ValueRange& wr = p.w_range;
  // Prefer no offset (u8 data as u8, s8 as s8); data spanning 8 bits elsewhere is shifted.
  if (!encode_for_gemm(xr.lo, xr.hi, GemmElem::U8, &plan->x)) return false;
  if (plan->x.offset != 0 && xr.lo >= -128 && xr.hi <= 127)
    encode_for_gemm(xr.lo, xr.hi, GemmElem::S8, &plan->x);
  if (!encode_for_gemm(wr.lo, wr.hi, GemmElem::S8, &plan->w)) return false;
  // int32 accumulation, counting the +128 shift oneDNN applies to s8 activations.
  if (p.s.k * 255 * 128 > std::numeric_limits<int32_t>::max()) return false;
  plan->x_zp = int64_t{p.x_zp} - plan->x.offset;
  const ConvGeometry& g = p.g;
  plan->prepad =
      plan->x_zp != 0 && (g.pad_top > 0 || g.pad_left > 0 || g.pad_bottom > 0 || g.pad_right > 0);
  const ConvShape& s = p.s;
  plan->key =
      fmt::format("{} {} {} {} {} {} {}x{} s{},{} d{},{} p{},{},{},{} {} {}", s.batch, s.in_c,
                  s.in_h, s.in_w, s.out_c, s.groups, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
                  g.dilation_h, g.dilation_w, g.pad_top, g.pad_left, g.pad_bottom, g.pad_right,
                  plan->x.elem == GemmElem::U8 ? "u8" : "s8", plan->prepad);
  return true;
}

// See the header: only implementations with int8 dot products, and either brgemm-based
// (s32 stored as is) or short enough sums that a float round trip is exact.
bool exact_impl(const std::string& name, int64_t k) {
  const bool int8_dot =
      name.find("amx") != std::string::npos || name.find("vnni") != std::string::npos;
  if (!int8_dot) return false;
  const bool brgemm = name.rfind("brg", 0) == 0 || name.rfind("brdgmm", 0) == 0;
  return brgemm || k * 255 * 128 <= (int64_t{1} << 24);
}

// Weights reordered for one primitive (a derived form of the weight cache entry).
struct Weights {
  memory packed;
  std::vector<int64_t> sums;  // per output channel: sum of the encoded weights
};

struct Entry {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
  std::string impl;  // empty: no exact implementation for this shape
};

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

std::mutex g_cache_mutex;
std::map<std::string, std::shared_ptr<Entry>> g_cache;

memory::dims spatial(int64_t a, int64_t b) {
  return {a, b};
}

std::shared_ptr<Entry> make_entry(const ConvProblem& p, const Plan& plan) {
  const ConvShape& s = p.s;
  const ConvGeometry& g = p.g;
  auto entry = std::make_shared<Entry>();
  const int64_t in_h = plan.prepad ? s.padded_h : s.in_h;
  const int64_t in_w = plan.prepad ? s.padded_w : s.in_w;
  const Dt src_dt = plan.x.elem == GemmElem::U8 ? Dt::u8 : Dt::s8;
  const memory::desc src({s.batch, s.in_c, in_h, in_w}, src_dt, Tag::nhwc);
  const memory::dims wdims =
      s.groups == 1 ? memory::dims{s.out_c, s.in_cg, g.kernel_h, g.kernel_w}
                    : memory::dims{s.groups, s.out_cg, s.in_cg, g.kernel_h, g.kernel_w};
  const memory::desc weights(wdims, Dt::s8, Tag::any);
  const memory::desc dst({s.batch, s.out_c, s.out_h, s.out_w}, Dt::s32, Tag::nhwc);
  const memory::dims pad_l = plan.prepad ? spatial(0, 0) : spatial(g.pad_top, g.pad_left);
  const memory::dims pad_r = plan.prepad ? spatial(0, 0) : spatial(g.pad_bottom, g.pad_right);
  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src, weights, dst,
      spatial(g.stride_h, g.stride_w), spatial(g.dilation_h - 1, g.dilation_w - 1), pad_l, pad_r);
  dnnl::primitive_attr attr;
  // Scratchpad passed per call, so concurrent calls on one primitive are safe.
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::convolution_forward::primitive_desc pd(desc, attr, cpu_engine(), true);
  if (!pd) return entry;
  // Walk oneDNN's implementations, fastest first, to the first exact one.
  do {
    const std::string name = pd.impl_info_str();
    if (exact_impl(name, s.k)) {
      entry->pd = pd;
      entry->prim = dnnl::convolution_forward(pd);
      entry->impl = name;
      break;
    }
  } while (pd.next_impl());
  return entry;
}

std::shared_ptr<Entry> lookup(const ConvProblem& p, const Plan& plan) {
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  std::shared_ptr<Entry>& slot = g_cache[plan.key];
  if (!slot) slot = make_entry(p, plan);
  return slot;
}

std::shared_ptr<const Weights> weights_for(const Entry& e, const ConvProblem& p, const Plan& plan,
                                           dnnl::stream& stream) {
  return p.weights->derived<Weights>(fmt::format("onednn {} w{}", plan.key, plan.w.offset), [&] {
    const ConvShape& s = p.s;
    auto w = std::make_shared<Weights>();
    // [OC][ICg][KH][KW] is goihw (groups leading) as it stands: only the encoding
    // changes.
    const std::vector<int32_t>& source = p.weights->source();
    std::vector<int8_t> plain(source.size());
    w->sums.assign(static_cast<size_t>(s.out_c), 0);
    for (int64_t oc = 0; oc < s.out_c; ++oc)
      for (int64_t i = 0; i < s.k; ++i) {
        const int32_t v = source[static_cast<size_t>(oc * s.k + i)] - plan.w.offset;
        plain[static_cast<size_t>(oc * s.k + i)] = static_cast<int8_t>(v);
        w->sums[static_cast<size_t>(oc)] += v;
      }
    const memory::desc& packed_md = e.pd.weights_desc();
    const memory::desc plain_md(packed_md.dims(), Dt::s8, s.groups == 1 ? Tag::oihw : Tag::goihw);
    memory plain_mem(plain_md, cpu_engine(), plain.data());
    w->packed = memory(packed_md, cpu_engine());
    dnnl::reorder(plain_mem, w->packed).execute(stream, plain_mem, w->packed);
    stream.wait();
    return w;
  });
}

template <typename T>
void stage_batch(const ConvProblem& p, const Plan& plan, T* out) {
  ConvShape s = p.s;
  ConvGeometry g = p.g;
  if (!plan.prepad) {
    g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 0;
    s.padded_h = s.in_h, s.padded_w = s.in_w;
  }
  const int64_t image = s.padded_h * s.padded_w * s.in_c;
  for (int64_t n = 0; n < s.batch; ++n)
    stage_nhwc<T>(p.x, n, s, g, plan.x.offset, p.x_zp, out + n * image);
}

bool have_avx512_gather() {
#if defined(__x86_64__)
  static const bool have = isa_cap() == IsaCap::Avx512 && __builtin_cpu_supports("avx512f");
  return have;
#else
  return false;
#endif
}

#if defined(__x86_64__)
// 16 positions x all channels of NHWC s32 -> NCHW int64 plus a per-channel constant. The
// tile's source rows (16 x channels x 4 bytes) stay in L1 across the channel loop.
[[gnu::target("avx512f")]] void widen_block_avx512(const int32_t* in, int64_t channels,
                                                   const int64_t* constant, int64_t* out,
                                                   int64_t out_stride) {
  const __m512i idx =
      _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(static_cast<int32_t>(channels)));
  // The masked forms (all lanes on) sidestep GCC 12's false -Wmaybe-uninitialized on the
  // unmasked intrinsics, which start from an "undefined" vector.
  const __m512i zero = _mm512_setzero_si512();
  for (int64_t oc = 0; oc < channels; ++oc) {
    const __m512i v = _mm512_mask_i32gather_epi32(zero, 0xffff, idx, in + oc, 4);
    const __m512i c = _mm512_set1_epi64(constant[oc]);
    const __m256i low = _mm512_maskz_extracti64x4_epi64(0xff, v, 0);
    const __m256i high = _mm512_maskz_extracti64x4_epi64(0xff, v, 1);
    int64_t* row = out + oc * out_stride;
    _mm512_storeu_si512(row, _mm512_add_epi64(_mm512_maskz_cvtepi32_epi64(0xff, low), c));
    _mm512_storeu_si512(row + 8, _mm512_add_epi64(_mm512_maskz_cvtepi32_epi64(0xff, high), c));
  }
}
#else
void widen_block_avx512(const int32_t*, int64_t, const int64_t*, int64_t*, int64_t) {}
#endif

}  // namespace

bool onednn_available() {
  static const bool usable = [] {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni") || cpu_has_avx_vnni();
#else
    return false;  // other CPUs: oneDNN int8 exactness not verified
#endif
  }();
  return usable;
}

std::string onednn_conv_impl(const ConvProblem& p) {
  Plan plan;
  if (!onednn_available() || !plan_conv(p, &plan)) return {};
  return lookup(p, plan)->impl;
}

void onednn_clear_cache() {
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  g_cache.clear();
}

bool onednn_conv(const ConvProblem& p, AccTensor& out) {
  Plan plan;
  if (!onednn_available() || !plan_conv(p, &plan)) return false;
  const std::shared_ptr<Entry> entry = lookup(p, plan);
  if (entry->impl.empty()) return false;
  const ConvShape& s = p.s;
  dnnl::stream stream(cpu_engine());
  const std::shared_ptr<const Weights> w = weights_for(*entry, p, plan, stream);

  // Buffers are fully overwritten: no zero fill (it would cost as much as the staging).
  const memory::desc& src_md = entry->pd.src_desc();
  uint8_t* const src = scratch<uint8_t>(ScratchSlot::Input, src_md.get_size());
  if (plan.x.elem == GemmElem::U8)
    stage_batch<uint8_t>(p, plan, src);
  else
    stage_batch<int8_t>(p, plan, reinterpret_cast<int8_t*>(src));
  const int64_t positions = s.positions();
  int32_t* const dst =
      scratch<int32_t>(ScratchSlot::Output, static_cast<size_t>(s.batch * positions * s.out_c));
  uint8_t* const pad =
      scratch<uint8_t>(ScratchSlot::Library, entry->pd.scratchpad_desc().get_size());
  memory src_mem(src_md, cpu_engine(), src);
  memory dst_mem(entry->pd.dst_desc(), cpu_engine(), dst);
  memory scratch_mem(entry->pd.scratchpad_desc(), cpu_engine(), pad);
  entry->prim.execute(stream, {{DNNL_ARG_SRC, src_mem},
                               {DNNL_ARG_WEIGHTS, w->packed},
                               {DNNL_ARG_DST, dst_mem},
                               {DNNL_ARG_SCRATCHPAD, scratch_mem}});
  stream.wait();

  // oneDNN summed x'w' over every tap (padding as x_zp' or 0, which is x_zp' when that
  // is 0); the zero points' cross terms and the bias are added here, as in conv_via_gemm.
  std::vector<int64_t> zw(static_cast<size_t>(s.out_c)), constant(zw.size());
  bool need_windows = false;
  for (int64_t oc = 0; oc < s.out_c; ++oc) {
    zw[oc] = int64_t{p.w_zp[oc]} - plan.w.offset;
    need_windows |= zw[oc] != 0;
    constant[oc] =
        (p.bias.empty() ? 0 : p.bias[oc]) - plan.x_zp * w->sums[oc] + s.k * plan.x_zp * zw[oc];
  }
  std::vector<int64_t> windows;
  if (need_windows) windows = window_sums(p.x, s, p.g, plan.x.offset, p.x_zp);
  const int64_t image = positions * s.out_c;
  if (!need_windows && have_avx512_gather()) {
    // 16 positions at a time: a gather per channel (one row of dst apart), widened to int64.
    const int64_t blocks = positions / 16;
#pragma omp parallel for collapse(2) if (out.size() > (1 << 14))
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t b = 0; b < blocks; ++b)
        widen_block_avx512(dst + n * image + b * 16 * s.out_c, s.out_c, constant.data(),
                           out.data() + n * image + b * 16, positions);
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t oc = 0; oc < s.out_c; ++oc)
        for (int64_t i = blocks * 16; i < positions; ++i)
          out[n * image + oc * positions + i] =
              dst[static_cast<size_t>(n * image + i * s.out_c + oc)] + constant[oc];
    return true;
  }
  // NHWC s32 -> NCHW int64 in square tiles: both the reads and the writes of a tile stay
  // within a few pages (a channel-at-a-time sweep touches one page per channel per row).
  constexpr int64_t kTile = 32;
  const int64_t oc_tiles = (s.out_c + kTile - 1) / kTile;
  const int64_t pos_tiles = (positions + kTile - 1) / kTile;
#pragma omp parallel for collapse(3) if (out.size() > (1 << 14))
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t ot = 0; ot < oc_tiles; ++ot)
      for (int64_t pt = 0; pt < pos_tiles; ++pt) {
        const int64_t oc1 = std::min(s.out_c, (ot + 1) * kTile);
        const int64_t i0 = pt * kTile, i1 = std::min(positions, i0 + kTile);
        const int32_t* in = dst + n * image;
        for (int64_t oc = ot * kTile; oc < oc1; ++oc) {
          int64_t* row = out.data() + (n * s.out_c + oc) * positions;
          const int64_t* win =
              need_windows ? windows.data() + (n * s.groups + oc / s.out_cg) * positions : nullptr;
          for (int64_t i = i0; i < i1; ++i)
            row[i] = in[i * s.out_c + oc] + constant[oc] - (win ? zw[oc] * win[i] : 0);
        }
      }
  return true;
}

#else  // no oneDNN in this build: every int8 conv takes the built-in GEMM

bool onednn_available() {
  return false;
}
std::string onednn_conv_impl(const ConvProblem&) {
  return {};
}
void onednn_clear_cache() {}
bool onednn_conv(const ConvProblem&, AccTensor&) {
  return false;
}

#endif

}  // namespace qasim::kernels
