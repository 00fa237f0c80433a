// Importer helpers shared by the operator families: quantization parameters, operands,
// weights, bias, window geometry and fused activations.
#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "workloads/onnx/onnx_importer.h"

namespace qasim::workloads::onnx_io {

using kernels::Activation;
using kernels::QuantParams;

const ConstTensor& Importer::const_in(size_t i, const char* what) const {
  const Value& v = in(i);
  if (v.kind != ValueKind::Const) fail(fmt::format("{} (input {}) must be a constant", what, i));
  return v.c;
}

int Importer::weight_bits_of(int32_t type) const {
  switch (type) {
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      return 8;
    // Wider containers: 16 bits is qasim's widest; metadata may say fewer.
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT32:
      return 16;
    default:
      fail("quantized tensors must be int8, uint8, int16, uint16 or int32, not " + type_name(type));
  }
}

QuantParams Importer::linear_params(size_t scale_i, size_t zp_i, int32_t type, int axis,
                                    const char* what) const {
  const ConstTensor& scale = const_in(scale_i, what);
  if (scale.type != onnx::TensorProto::FLOAT) fail(fmt::format("{} scale must be float", what));
  if (scale.values.empty() || scale.dims.size() > 1)
    fail(fmt::format("{} scale must be a scalar or 1-D, has dims {}", what,
                     kernels::dims_to_string(scale.dims)));
  QuantParams q;
  q.bits = weight_bits_of(type);
  q.is_signed = type != onnx::TensorProto::UINT8 && type != onnx::TensorProto::UINT16;
  q.scale = to_float(scale);
  for (float s : q.scale)
    if (!(s > 0.f) || !std::isfinite(s))
      fail(fmt::format("{} scale {} must be positive and finite", what, s));
  q.zero_point.assign(1, 0);
  if (has_input(zp_i)) {
    const ConstTensor& zp = const_in(zp_i, what);
    if (zp.type != type)
      fail(fmt::format("{} zero point is {}, expected {}", what, type_name(zp.type),
                       type_name(type)));
    if (zp.values.size() != q.scale.size() && zp.values.size() != 1)
      fail(fmt::format("{} has {} zero points for {} scales", what, zp.values.size(),
                       q.scale.size()));
    q.zero_point = to_int32(zp, m_where, "zero point");
  }
  if (q.scale.size() > 1) {
    if (axis < 0) fail(fmt::format("{} axis out of range", what));
    q.axis = axis;
  }
  return q;
}

QuantParams Importer::activation_params(size_t scale_i, size_t zp_i, int32_t type,
                                        const char* what) const {
  QuantParams q = linear_params(scale_i, zp_i, type, -1, what);
  if (q.per_channel() || q.zero_point.size() != 1)
    fail(fmt::format("{}: activations must be quantized per tensor", what));
  return q;
}

Value Importer::float_activation(size_t i, int rank) {
  Value v = in(i);
  if (v.kind == ValueKind::Pending && v.layer > 0 && !m_quantized[static_cast<size_t>(v.layer)] &&
      (layer(v.layer).kind == OpKind::AvgPool || layer(v.layer).kind == OpKind::GlobalAvgPool)) {
    m_quantized[static_cast<size_t>(v.layer)] = true;  // keeps the input's, set by op_pool
    v.kind = ValueKind::Float;
    v.q = layer(v.layer).output_q;
  }
  if (v.kind == ValueKind::Pending || v.kind == ValueKind::AccFloat)
    fail(
        fmt::format("input {} is a float activation that is never quantized (expected "
                    "QuantizeLinear -> DequantizeLinear before this node)",
                    i));
  if (v.kind == ValueKind::Quant)
    fail(fmt::format("input {} is an integer tensor; this operator needs it dequantized", i));
  if (v.kind != ValueKind::Float) fail(fmt::format("input {} must be an activation", i));
  if (rank > 0 && v.rank != rank)
    fail(fmt::format("input {} has rank {}, expected {}", i, v.rank, rank));
  return v;
}

const Value& Importer::int_activation(size_t i, int rank) const {
  const Value& v = in(i);
  if (v.kind != ValueKind::Quant)
    fail(fmt::format("input {} must be a quantized (integer) activation", i));
  if (rank > 0 && v.rank != rank)
    fail(fmt::format("input {} has rank {}, expected {}", i, v.rank, rank));
  return v;
}

void Importer::take_weights(Layer& l, const Value& w, int oc_axis, bool transpose) const {
  if (w.kind == ValueKind::Const && !w.c.is_integer())
    fail(
        "float weights are never quantized (expected QuantizeLinear/DequantizeLinear or a "
        "QONNX Quant on them)");
  if (w.kind != ValueKind::DQConst) fail("weights must be a dequantized constant");
  const kernels::Dims& d = w.c.dims;
  if (oc_axis < 0 || static_cast<size_t>(oc_axis) >= d.size()) fail("weights have the wrong rank");
  const int64_t oc = d[static_cast<size_t>(oc_axis)];
  if (oc <= 0 || oc > (1 << 24)) fail(fmt::format("{} output channels", oc));
  QuantParams q = w.q;
  if (q.per_channel() && (q.axis != oc_axis || static_cast<int64_t>(q.scale.size()) != oc))
    fail(
        fmt::format("weights have {} scales along axis {}; expected per tensor or {} along "
                    "axis {}",
                    q.scale.size(), q.axis, oc, oc_axis));
  if (q.zero_point.size() > 1 && static_cast<int64_t>(q.zero_point.size()) != oc)
    fail("weights have a zero point count that is neither 1 nor the channel count");
  q.axis = 0;
  // One zero point stands for equal ones (ONNX needs one per scale, qasim does not).
  if (std::all_of(q.zero_point.begin(), q.zero_point.end(),
                  [&](int32_t z) { return z == q.zero_point[0]; }))
    q.zero_point.resize(1);
  std::vector<int32_t> values = to_int32(w.c, m_where, "weight");
  kernels::Dims dims = d;
  if (transpose) {  // [K, N] -> [N, K]
    const int64_t k = d[0], n = d[1];
    std::vector<int32_t> t(values.size());
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c) t[c * k + r] = values[r * n + c];
    values = std::move(t);
    dims = {n, k};
  }
  l.weights = kernels::IntTensor(dims, std::move(values));
  l.weight_q = q;
  l.out_channels = static_cast<int>(oc);
}

std::vector<int32_t> Importer::quantize_bias(const Value* b, float in_scale, const Layer& l) const {
  if (b == nullptr) return {};
  const size_t oc = static_cast<size_t>(l.out_channels);
  if (static_cast<size_t>(b->c.size()) != oc || !b->is_const())
    fail(fmt::format("bias must be a constant with {} values", oc));
  std::vector<int32_t> out(oc);
  for (size_t c = 0; c < oc; ++c) {
    // The accumulator's scale, as ONNX Runtime computes it (float32 product).
    const float acc_scale = in_scale * l.weight_q.scale_at(static_cast<int64_t>(c));
    double real = b->c.values[c];
    if (b->kind == ValueKind::DQConst) {
      if (b->q.zero_point_at(static_cast<int64_t>(c)) != 0) fail("bias zero point must be 0");
      const float s = b->q.scale_at(static_cast<int64_t>(c));
      // Integer bias already at the accumulator's scale (what ORT and PyTorch write).
      if (std::fabs(s - acc_scale) <= 1e-6f * acc_scale) {
        out[c] = static_cast<int32_t>(b->c.values[c]);
        continue;
      }
      real = static_cast<double>(s) * b->c.values[c];
    } else if (b->kind == ValueKind::QConst) {
      fail("bias is quantized but never dequantized");
    }
    const double v = std::nearbyint(to_float(real) / acc_scale);
    if (!(std::fabs(v) <= static_cast<double>(std::numeric_limits<int32_t>::max())))
      fail(fmt::format("bias {} does not fit int32 at scale {}", real, acc_scale));
    out[c] = static_cast<int32_t>(v);
  }
  return out;
}

kernels::ConvGeometry Importer::geometry(const Attributes& a, Shape3 in, int kh, int kw,
                                         bool is_conv) const {
  constexpr int64_t kMax = 1 << 16;
  kernels::ConvGeometry g;
  const auto ks = a.get_ints("kernel_shape", {}, 1, kMax, 2);
  if (ks.empty() && !is_conv) fail("kernel_shape is required");
  if (!ks.empty() && is_conv && (ks[0] != kh || ks[1] != kw))
    fail(fmt::format("kernel_shape {}x{} does not match the weights' {}x{}", ks[0], ks[1], kh, kw));
  g.kernel_h = ks.empty() ? kh : static_cast<int>(ks[0]);
  g.kernel_w = ks.empty() ? kw : static_cast<int>(ks[1]);
  const auto strides = a.get_ints("strides", {1, 1}, 1, kMax, 2);
  const auto dil = a.get_ints("dilations", {1, 1}, 1, kMax, 2);
  const auto pads = a.get_ints("pads", {0, 0, 0, 0}, 0, kMax, 4);
  g.stride_h = static_cast<int>(strides[0]), g.stride_w = static_cast<int>(strides[1]);
  g.dilation_h = static_cast<int>(dil[0]), g.dilation_w = static_cast<int>(dil[1]);
  g.pad_top = static_cast<int>(pads[0]), g.pad_left = static_cast<int>(pads[1]);
  g.pad_bottom = static_cast<int>(pads[2]), g.pad_right = static_cast<int>(pads[3]);
  g.groups = is_conv ? static_cast<int>(a.get_int("group", 1, 1, 1 << 24)) : 1;
  const std::string auto_pad = a.get_string("auto_pad", "NOTSET");
  if (auto_pad == "VALID") {
    g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 0;
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    auto same = [&](int size, int k, int s, int d, int& begin, int& end) {
      const int64_t out = (int64_t{size} + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + int64_t{d} * (k - 1) + 1 - size);
      const int64_t small = total / 2;
      begin = static_cast<int>(auto_pad == "SAME_UPPER" ? small : total - small);
      end = static_cast<int>(total - begin);
    };
    same(in.h, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top, g.pad_bottom);
    same(in.w, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left, g.pad_right);
  } else if (auto_pad != "NOTSET") {
    fail("auto_pad '" + auto_pad + "' is not supported");
  }
  // The dilated window must fit the padded input; this also keeps ConvGeometry's int
  // arithmetic far from overflow.
  const auto fits = [](int64_t size, int64_t k, int64_t d, int64_t p0, int64_t p1) {
    return d * (k - 1) + 1 <= size + p0 + p1;
  };
  if (!fits(in.h, g.kernel_h, g.dilation_h, g.pad_top, g.pad_bottom) ||
      !fits(in.w, g.kernel_w, g.dilation_w, g.pad_left, g.pad_right))
    fail(fmt::format("a {}x{} window (dilation {}x{}) does not fit the input {}", g.kernel_h,
                     g.kernel_w, g.dilation_h, g.dilation_w, to_string(in)));
  if (!is_conv && a.get_int("ceil_mode", 0, 0, 1) == 1) {
    // qasim's windows use floor; ceil_mode is fine when it gives the same size.
    auto ceil_out = [](int64_t size, int64_t k, int64_t s, int64_t d, int64_t p) {
      const int64_t span = size + p - d * (k - 1) - 1;
      return span < 0 ? int64_t{0} : (span + s - 1) / s + 1;
    };
    if (ceil_out(in.h, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top + g.pad_bottom) !=
            g.out_h(in.h) ||
        ceil_out(in.w, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left + g.pad_right) !=
            g.out_w(in.w))
      fail("ceil_mode=1 changes the output size here; only floor windows are supported");
  }
  return g;
}

std::vector<double> Importer::channel_values(const ConstTensor& c, int rank, int channels) const {
  if (c.values.size() == 1) return std::vector<double>(static_cast<size_t>(channels), c.values[0]);
  // numpy broadcasting aligns the constant's dims to the right: the one dim that is not 1
  // must land on axis 1 (channels).
  int varying = -1, count = 0;
  const int offset = rank - static_cast<int>(c.dims.size());
  for (size_t d = 0; d < c.dims.size(); ++d)
    if (c.dims[d] != 1) varying = offset + static_cast<int>(d), ++count;
  if (offset < 0 || count != 1 || varying != 1 || c.values.size() != static_cast<size_t>(channels))
    fail(fmt::format("constant of dims {} is neither a scalar nor one value per channel ({})",
                     kernels::dims_to_string(c.dims), channels));
  return c.values;
}

const Value& Importer::foldable(size_t i, const char* what) const {
  const Value& x = in(i);
  const std::string problem = fmt::format(
      "{} must directly follow a conv or fc, before any activation (it is folded "
      "into it)",
      what);
  if (x.kind != ValueKind::Pending || x.layer <= 0 || uses(i) != 1 || !x.sole ||
      m_quantized[static_cast<size_t>(x.layer)])
    fail(problem);
  const Layer& l = m_graph.layers[static_cast<size_t>(x.layer)];
  const int natural_rank = l.kind == OpKind::Conv ? 4 : 2;
  if ((l.kind != OpKind::Conv && l.kind != OpKind::FullyConnected) ||
      l.activation != Activation::None || x.rank != natural_rank)
    fail(problem);
  return x;
}

void Importer::fold_affine(int li, const std::vector<double>& k, const std::vector<double>& add) {
  Layer& l = layer(li);
  const size_t oc = static_cast<size_t>(l.out_channels);
  const float in_scale = layer(l.inputs[0]).output_q.scale[0];
  const QuantParams wq = l.weight_q;
  const int64_t per = l.weights.size() / static_cast<int64_t>(oc);
  std::vector<float> scales(oc);
  std::vector<int32_t> bias(oc);
  bool any_bias = l.has_bias;
  for (size_t c = 0; c < oc; ++c) {
    const int64_t ch = static_cast<int64_t>(c);
    if (!std::isfinite(k[c]) || k[c] == 0 || !std::isfinite(add[c]))
      fail(fmt::format("channel {}: the folded scale is zero or not finite", c));
    // The weights' integers stay; the channel's scale absorbs |k|, a negative k negates
    // the channel around its zero point.
    scales[c] = to_float(wq.scale_at(ch) * std::fabs(k[c]));
    if (!(scales[c] > 0.f) || !std::isfinite(scales[c]))
      fail(fmt::format("channel {}: the folded weight scale is not representable", c));
    if (k[c] < 0) {
      const int64_t zp = wq.zero_point_at(ch);
      for (int64_t i = 0; i < per; ++i) {
        int32_t& w = l.weights[ch * per + i];
        const int64_t neg = 2 * zp - w;
        if (neg < wq.qmin() || neg > wq.qmax())
          fail(
              fmt::format("channel {}: a negative scale cannot be folded (weight {} has no "
                          "negation in range)",
                          c, w));
        w = static_cast<int32_t>(neg);
      }
    }
    // Bias in real units, through the fold, back to the new accumulator scale (the float32
    // products quantize_bias uses).
    const double old_acc = in_scale * wq.scale_at(ch), new_acc = in_scale * scales[c];
    const double b = (l.has_bias ? l.bias[c] * old_acc : 0.0) * k[c] + add[c];
    const double v = std::nearbyint(b / new_acc);
    if (!(std::fabs(v) <= 2147483647.0))
      fail(fmt::format("channel {}: the bias overflows int32", c));
    bias[c] = static_cast<int32_t>(v);
    any_bias = any_bias || add[c] != 0;
  }
  // A per-tensor scale times a scalar stays per tensor.
  if (!wq.per_channel() &&
      std::all_of(scales.begin(), scales.end(), [&](float s) { return s == scales[0]; }))
    scales.resize(1);
  l.weight_q.scale = scales;
  l.weight_q.axis = 0;
  l.has_bias = any_bias;
  l.bias = any_bias ? bias : std::vector<int32_t>{};
}

bool Importer::can_fuse(int l) const {
  const OpKind k = m_graph.layers[static_cast<size_t>(l)].kind;
  return k == OpKind::Conv || k == OpKind::FullyConnected || k == OpKind::Add;
}

void Importer::fuse_clamp(int l, float lo, float hi) {
  if (!can_fuse(l))
    fail(
        fmt::format("a clamp after layer '{}' ({}) cannot be fused: only conv, fc and add "
                    "layers carry an activation",
                    layer(l).name, to_string(layer(l).kind)));
  constexpr float inf = std::numeric_limits<float>::infinity();
  auto open = [](float v) { return std::isinf(v) || std::fabs(v) >= FLT_MAX; };
  Layer& L = layer(l);
  float cur_lo = -inf, cur_hi = inf;
  switch (L.activation) {
    case Activation::None:
      break;
    case Activation::Relu:
      cur_lo = 0.f;
      break;
    case Activation::Relu6:
      cur_lo = 0.f, cur_hi = 6.f;
      break;
    case Activation::Clip:
      cur_lo = L.clip_lo, cur_hi = L.clip_hi;
      break;
  }
  if (std::isnan(lo) || std::isnan(hi)) fail("clamp bounds are not numbers");
  lo = open(lo) && lo < 0 ? -inf : lo;
  hi = open(hi) && hi > 0 ? inf : hi;
  cur_lo = std::max(cur_lo, lo);
  cur_hi = std::min(cur_hi, hi);
  if (cur_lo > cur_hi) fail(fmt::format("empty clamp range [{}, {}]", cur_lo, cur_hi));
  L.clip_lo = L.clip_hi = 0.f;
  if (cur_lo == -inf && cur_hi == inf) {
    L.activation = Activation::None;
  } else if (cur_lo == 0.f && cur_hi == inf) {
    L.activation = Activation::Relu;
  } else if (cur_lo == 0.f && cur_hi == 6.f) {
    L.activation = Activation::Relu6;
  } else if (!std::isinf(cur_lo) && !std::isinf(cur_hi) && std::fabs(cur_lo) <= 1e30f &&
             std::fabs(cur_hi) <= 1e30f) {
    L.activation = Activation::Clip;
    L.clip_lo = cur_lo, L.clip_hi = cur_hi;
  } else {
    fail(fmt::format("a clamp to [{}, {}] is not supported (one open bound other than ReLU)",
                     cur_lo, cur_hi));
  }
}

}  // namespace qasim::workloads::onnx_io
