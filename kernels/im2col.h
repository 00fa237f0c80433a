// What every fast conv path shares: the problem description (ConvProblem), the weight
// cache, and the lowering of a convolution to a GEMM. For the GEMM, activations are staged
// once per image as padded NHWC in the GEMM's element type, then each output position's
// receptive field is gathered into one K-contiguous row. K is ordered (kh, kw, ic) so that
// a tap's channels are one contiguous copy; weights are packed in the same order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kernels/gemm_int.h"
#include "kernels/ops.h"

namespace qasim::kernels {

// Sizes derived once from the input dims and the geometry.
struct ConvShape {
  int64_t batch = 0, in_c = 0, in_h = 0, in_w = 0;
  int64_t out_c = 0, out_h = 0, out_w = 0;
  int64_t groups = 1, in_cg = 0, out_cg = 0;  // channels per group
  int64_t padded_h = 0, padded_w = 0;         // input plus padding
  int64_t k = 0;                              // reduction length: in_cg * kernel_h * kernel_w
  int64_t positions() const { return out_h * out_w; }
};

// A weight tensor's content kept across calls, with what the paths derive from it (packed
// bits, reordered blocks, sums). The golden engine passes the same weights layer after
// layer, image after image; rebuilding those forms each call would cost more than the
// convolution on late layers. Entries are found by address and dims, then compared in
// full, so a changed tensor is never served stale.
class WeightEntry {
 public:
  explicit WeightEntry(const IntTensor& w);
  const std::vector<int32_t>& source() const { return m_source.values(); }
  ValueRange range() const { return m_range; }
  bool plus_minus_one() const { return m_plus_minus_one; }  // all values are -1 or +1
  bool same_content(const IntTensor& w) const;

  // The derived form named `key`, built by `build` on first use (thread-safe).
  template <typename T>
  std::shared_ptr<const T> derived(const std::string& key,
                                   const std::function<std::shared_ptr<T>()>& build) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::shared_ptr<const void>& slot = m_derived[key];
    if (!slot) slot = build();
    return std::static_pointer_cast<const T>(slot);
  }

 private:
  IntTensor m_source;
  ValueRange m_range;
  bool m_plus_minus_one = false;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<const void>> m_derived;
};

// The cache entry for w's current content (least recently used entries go past a budget).
std::shared_ptr<WeightEntry> cached_weights(const IntTensor& w);
void clear_weight_cache();

// Per-thread scratch memory reused across calls (64-byte aligned, uninitialised): large
// temporaries such as staged inputs and s32 results would otherwise be fresh pages,
// faulted in on every call, which cost more than the convolution on big maps. A slot is
// one buffer; a call uses distinct slots for buffers it holds at the same time.
enum class ScratchSlot { Input, Output, Library, Count };
void* scratch_buffer(ScratchSlot slot, size_t bytes);
template <typename T>
T* scratch(ScratchSlot slot, size_t count) {
  return static_cast<T*>(scratch_buffer(slot, count * sizeof(T)));
}

// One convolution as every fast path sees it: operands, zero points resolved per output
// channel, and the ranges the operands actually span (which pick the element types).
struct ConvProblem {
  const IntTensor& x;
  const IntTensor& w;
  const std::vector<int32_t>& bias;  // empty or one per output channel
  const ConvGeometry& g;
  ConvShape s;
  int32_t x_zp = 0;
  std::vector<int32_t> w_zp;  // one per output channel
  ValueRange x_range;         // includes x_zp when there is padding (padding holds x_zp)
  ValueRange w_range;
  std::shared_ptr<WeightEntry> weights;  // w's cache entry, already checked against w
  bool w_zp_nonzero() const;
};

// Checks the operands (throws std::invalid_argument like conv2d_accumulate) and resolves
// zero points and ranges. nullopt when the zero points are laid out in a way the fast
// paths do not handle (per-channel activation zero points): the caller uses the oracle.
// `conv_w_dims` lets an FC's [OC, K] weights act as [OC, K, 1, 1] without a copy (which
// would also defeat the weight cache, keyed by address).
std::optional<ConvProblem> make_conv_problem(const IntTensor& x, const QuantParams& xq,
                                             const IntTensor& w, const QuantParams& wq,
                                             const std::vector<int32_t>& bias,
                                             const ConvGeometry& g,
                                             const Dims* conv_w_dims = nullptr);

// acc = bias + sum (x - x_zp)(w - w_zp[oc]) through stage / im2col / gemm_int; handles
// every operand width up to 32 bits, any zero points, groups and dilation.
void conv_via_gemm(const ConvProblem& p, AccTensor& out);

// Checks x [N,C,H,W] and w [OC, C/groups, KH, KW] against the geometry and returns the
// sizes; throws std::invalid_argument naming the mismatch.
ConvShape conv_shape(const Dims& x, const Dims& w, const ConvGeometry& g);

// Stages image `n` of x as [padded_h][padded_w][in_c] holding (x - offset); padding holds
// (fill - offset). Values must fit T after the offset.
template <typename T>
void stage_nhwc(const IntTensor& x, int64_t n, const ConvShape& s, const ConvGeometry& g,
                int32_t offset, int32_t fill, T* out);

// Gathers group `group` of a staged image into cols [positions][k_stride] (zero beyond k).
// When `row_sums` is not null it receives each row's sum (needed to subtract a weight
// zero point).
template <typename T>
void im2col(const T* staged, const ConvShape& s, const ConvGeometry& g, int64_t group,
            int64_t k_stride, T* cols, int64_t* row_sums);

// Packs weights [OC][ICg][KH][KW] as rows [OC][k_stride] in (kh, kw, ic) order holding
// (w - offset), zero beyond k.
template <typename T>
void pack_weights(const IntTensor& w, const ConvShape& s, const ConvGeometry& g, int32_t offset,
                  int64_t k_stride, T* out);

// Sum over each receptive field of (x - offset), padding counted as (fill - offset):
// [batch][groups][positions]. The correction a weight zero point needs when the GEMM
// itself does not see the columns (oneDNN path).
std::vector<int64_t> window_sums(const IntTensor& x, const ConvShape& s, const ConvGeometry& g,
                                 int32_t offset, int32_t fill);

}  // namespace qasim::kernels
