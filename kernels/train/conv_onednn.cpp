#include "kernels/train/conv_onednn.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#if QASIM_HAVE_DNNL
#include <dnnl.hpp>
#endif

namespace qasim::kernels::train {

namespace {
std::atomic<bool> g_enabled{true};
}

void set_onednn_conv_enabled(bool enabled) {
  g_enabled = enabled;
}

#if QASIM_HAVE_DNNL

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
using Dt = memory::data_type;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

using Key = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int, int, int, int, int, int,
                       int, int, int, int, bool>;

// Primitives for one problem shape, with oneDNN's layouts chosen by "any".
struct Entry {
  dnnl::convolution_forward::primitive_desc fwd_pd;
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd;
  dnnl::convolution_backward_weights::primitive_desc bwd_weights_pd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data bwd_data;
  dnnl::convolution_backward_weights bwd_weights;
  memory::desc src_plain, dst_plain, wei_plain, bias_plain;
  // Buffers in oneDNN's layouts, allocated once per shape: fresh ones on every call cost
  // more in page faults than the reorders themselves. (Calls are sequential: the trainer
  // runs one layer at a time; the threads are inside oneDNN.)
  std::map<int, memory> buffers;
  std::vector<float> dw_plain, db_plain;

  memory& buffer(int role, const memory::desc& desc) {
    auto it = buffers.find(role);
    if (it == buffers.end()) it = buffers.emplace(role, memory(desc, cpu_engine())).first;
    return it->second;
  }
};

Key key_of(const ConvDims& d, bool bias) {
  const ConvGeometry& g = d.geometry;
  return {d.batch,     d.in_c,       d.in_h,       d.in_w,    d.out_c,    g.kernel_h,
          g.kernel_w,  g.stride_h,   g.stride_w,   g.pad_top, g.pad_left, g.pad_bottom,
          g.pad_right, g.dilation_h, g.dilation_w, bias};
}

Entry& entry_for(const ConvDims& d, bool bias) {
  static std::mutex mutex;
  static std::map<Key, std::unique_ptr<Entry>> cache;
  std::lock_guard lock(mutex);
  std::unique_ptr<Entry>& e = cache[key_of(d, bias)];
  if (e) return *e;
  const ConvGeometry& g = d.geometry;
  const memory::dims src{d.batch, d.in_c, d.in_h, d.in_w},
      wei{d.out_c, d.in_c, g.kernel_h, g.kernel_w}, dst{d.batch, d.out_c, d.out_h(), d.out_w()},
      bias_dims{d.out_c}, strides{g.stride_h, g.stride_w},
      dilation{g.dilation_h - 1, g.dilation_w - 1}, pad_l{g.pad_top, g.pad_left},
      pad_r{g.pad_bottom, g.pad_right};
  const memory::desc src_any(src, Dt::f32, Tag::any), wei_any(wei, Dt::f32, Tag::any),
      dst_any(dst, Dt::f32, Tag::any), bias_d(bias_dims, Dt::f32, Tag::a);
  auto fwd_desc = bias ? dnnl::convolution_forward::desc(
                             dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                             src_any, wei_any, bias_d, dst_any, strides, dilation, pad_l, pad_r)
                       : dnnl::convolution_forward::desc(
                             dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                             src_any, wei_any, dst_any, strides, dilation, pad_l, pad_r);
  dnnl::convolution_forward::primitive_desc fwd_pd(fwd_desc, cpu_engine());
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd(
      dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, src_any, wei_any,
                                            dst_any, strides, dilation, pad_l, pad_r),
      cpu_engine(), fwd_pd);
  auto bw_desc = bias
                     ? dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct,
                                                                src_any, wei_any, bias_d, dst_any,
                                                                strides, dilation, pad_l, pad_r)
                     : dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct,
                                                                src_any, wei_any, dst_any, strides,
                                                                dilation, pad_l, pad_r);
  dnnl::convolution_backward_weights::primitive_desc bwd_weights_pd(bw_desc, cpu_engine(), fwd_pd);
  e = std::make_unique<Entry>(Entry{fwd_pd,
                                    bwd_data_pd,
                                    bwd_weights_pd,
                                    dnnl::convolution_forward(fwd_pd),
                                    dnnl::convolution_backward_data(bwd_data_pd),
                                    dnnl::convolution_backward_weights(bwd_weights_pd),
                                    memory::desc(src, Dt::f32, Tag::bacd),
                                    memory::desc(dst, Dt::f32, Tag::bacd),
                                    memory::desc(wei, Dt::f32, Tag::oihw),
                                    bias_d,
                                    {},
                                    {},
                                    {}});
  return *e;
}

// `plain` in oneDNN's layout `want`: plain itself, or reordered into the entry's buffer.
memory to_layout(Entry& e, int role, memory plain, const memory::desc& want, dnnl::stream& s) {
  if (plain.get_desc() == want) return plain;
  memory& out = e.buffer(role, want);
  dnnl::reorder(plain, out).execute(s, plain, out);
  return out;
}

// Buffer roles (one per tensor and pass).
enum Role { kSrc, kWei, kDst, kDiffDst, kDiffSrc, kDiffWei, kBwdSrc, kBwdDiffDst, kBwdWei };

bool usable(const ConvDims& d) {
  return g_enabled && d.groups() == 1;
}

}  // namespace

bool onednn_conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias,
                         float* y) {
  if (!usable(d)) return false;
  Entry& e = entry_for(d, bias != nullptr);
  dnnl::stream s(cpu_engine());
  memory src = to_layout(e, kSrc, memory(e.src_plain, cpu_engine(), const_cast<float*>(x)),
                         e.fwd_pd.src_desc(), s);
  memory wei = to_layout(e, kWei, memory(e.wei_plain, cpu_engine(), const_cast<float*>(w)),
                         e.fwd_pd.weights_desc(), s);
  memory dst_plain(e.dst_plain, cpu_engine(), y);
  memory dst = e.fwd_pd.dst_desc() == e.dst_plain ? dst_plain : e.buffer(kDst, e.fwd_pd.dst_desc());
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
  if (bias)
    args.insert({DNNL_ARG_BIAS, memory(e.bias_plain, cpu_engine(), const_cast<float*>(bias))});
  e.fwd.execute(s, args);
  if (dst != dst_plain) dnnl::reorder(dst, dst_plain).execute(s, dst, dst_plain);
  s.wait();
  return true;
}

bool onednn_conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx) {
  if (!usable(d)) return false;
  Entry& e = entry_for(d, false);
  dnnl::stream s(cpu_engine());
  memory diff_dst =
      to_layout(e, kDiffDst, memory(e.dst_plain, cpu_engine(), const_cast<float*>(dy)),
                e.bwd_data_pd.diff_dst_desc(), s);
  memory wei = to_layout(e, kBwdWei, memory(e.wei_plain, cpu_engine(), const_cast<float*>(w)),
                         e.bwd_data_pd.weights_desc(), s);
  memory diff_src_plain(e.src_plain, cpu_engine(), dx);
  memory diff_src = e.bwd_data_pd.diff_src_desc() == e.src_plain
                        ? diff_src_plain
                        : e.buffer(kDiffSrc, e.bwd_data_pd.diff_src_desc());
  e.bwd_data.execute(
      s, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, diff_src}});
  if (diff_src != diff_src_plain)
    dnnl::reorder(diff_src, diff_src_plain).execute(s, diff_src, diff_src_plain);
  s.wait();
  return true;
}

bool onednn_conv_backward_weights(const ConvDims& d, const float* x, const float* dy, float* dw,
                                  float* dbias) {
  if (!usable(d)) return false;
  Entry& e = entry_for(d, dbias != nullptr);
  dnnl::stream s(cpu_engine());
  memory src = to_layout(e, kBwdSrc, memory(e.src_plain, cpu_engine(), const_cast<float*>(x)),
                         e.bwd_weights_pd.src_desc(), s);
  memory diff_dst =
      to_layout(e, kBwdDiffDst, memory(e.dst_plain, cpu_engine(), const_cast<float*>(dy)),
                e.bwd_weights_pd.diff_dst_desc(), s);
  memory& diff_wei = e.buffer(kDiffWei, e.bwd_weights_pd.diff_weights_desc());
  std::vector<float>& dw_plain = e.dw_plain;
  std::vector<float>& db_plain = e.db_plain;
  dw_plain.resize(static_cast<size_t>(d.weight_size()));
  db_plain.resize(static_cast<size_t>(d.out_c));
  memory diff_wei_plain(e.wei_plain, cpu_engine(), dw_plain.data());
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, diff_wei}};
  if (dbias) args.insert({DNNL_ARG_DIFF_BIAS, memory(e.bias_plain, cpu_engine(), db_plain.data())});
  e.bwd_weights.execute(s, args);
  dnnl::reorder(diff_wei, diff_wei_plain).execute(s, diff_wei, diff_wei_plain);
  s.wait();
  for (size_t k = 0; k < dw_plain.size(); ++k) dw[k] += dw_plain[k];
  if (dbias)
    for (int64_t c = 0; c < d.out_c; ++c) dbias[c] += db_plain[static_cast<size_t>(c)];
  return true;
}

#else

bool onednn_conv_forward(const ConvDims&, const float*, const float*, const float*, float*) {
  return false;
}
bool onednn_conv_backward_data(const ConvDims&, const float*, const float*, float*) {
  return false;
}
bool onednn_conv_backward_weights(const ConvDims&, const float*, const float*, float*, float*) {
  return false;
}

#endif

}  // namespace qasim::kernels::train
