// Importer: QONNX's Quant and BipolarQuant (Brevitas, FINN). Both are fake-quantizers:
// their output is the dequantized float, so on a constant they give dequantized integer
// weights, and after a layer they set its output quantization.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "workloads/onnx/onnx_importer.h"

namespace qasim::workloads::onnx_io {

using kernels::QuantParams;

namespace {

// The one axis along which a broadcast scale of `scale_dims` varies for a tensor of
// `rank` (numpy rules: right-aligned); -1 when it varies along none or several.
int broadcast_axis(const kernels::Dims& scale_dims, size_t rank) {
  if (scale_dims.size() > rank) return -1;
  int axis = -1;
  const size_t offset = rank - scale_dims.size();
  for (size_t d = 0; d < scale_dims.size(); ++d) {
    if (scale_dims[d] == 1) continue;
    if (axis >= 0) return -1;
    axis = static_cast<int>(offset + d);
  }
  return axis;
}

int64_t channel_of(int64_t k, const kernels::Dims& dims, int axis) {
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  return inner == 0 ? 0 : (k / inner) % dims[static_cast<size_t>(axis)];
}

// QONNX rounding modes (qonnx.custom_op.general.quant.resolve_rounding_mode).
bool round_by_mode(const std::string& mode, double v, double& r) {
  if (mode == "ROUND")
    r = std::nearbyint(v);  // numpy round: half to even
  else if (mode == "CEIL")
    r = std::ceil(v);
  else if (mode == "FLOOR")
    r = std::floor(v);
  else if (mode == "ROUND_TO_ZERO")
    r = std::trunc(v);
  else if (mode == "HALF_UP")
    r = std::floor(v + 0.5);
  else if (mode == "HALF_DOWN")
    r = std::ceil(v - 0.5);
  else
    return false;
  return true;
}

}  // namespace

void Importer::op_qonnx_quant() {
  expect_inputs(4, 4);
  expect_outputs(1);
  const Attributes a = attrs();
  a.allow_only({"signed", "narrow", "rounding_mode"});
  const bool is_signed = a.get_int("signed", 1, 0, 1) == 1;
  const bool narrow = a.get_int("narrow", 0, 0, 1) == 1;
  const std::string mode = a.get_string("rounding_mode", "ROUND");
  const ConstTensor& scale = const_in(1, "scale");
  const ConstTensor& zero = const_in(2, "zero_point");
  const ConstTensor& width = const_in(3, "bit_width");
  if (width.values.size() != 1 || width.values[0] != std::floor(width.values[0]) ||
      width.values[0] < 1 || width.values[0] > 16)
    fail("bit_width must be one integer in [1, 16]");
  QuantParams q;
  q.bits = static_cast<int>(width.values[0]);
  q.is_signed = is_signed;
  if (scale.values.empty() || scale.is_integer()) fail("scale must be float");
  q.scale = to_float(scale);
  for (float s : q.scale)
    if (!(s > 0.f) || !std::isfinite(s)) fail(fmt::format("scale {} must be positive", s));
  q.zero_point = to_int32(zero, m_where, "zero point");
  if (q.zero_point.size() != 1 && q.zero_point.size() != q.scale.size())
    fail("zero_point must be a scalar or match the scale");
  // QONNX's range: narrow drops the lowest signed / highest unsigned value.
  const int64_t lo = q.qmin() + (narrow && is_signed ? 1 : 0);
  const int64_t hi = q.qmax() - (narrow && !is_signed ? 1 : 0);

  const Value& x = in(0);
  if (x.kind == ValueKind::Const) {
    int axis = -1;
    if (q.scale.size() > 1 || q.zero_point.size() > 1) {
      axis = broadcast_axis(q.scale.size() > 1 ? scale.dims : zero.dims, x.c.dims.size());
      if (axis < 0 || x.c.dims[static_cast<size_t>(axis)] !=
                          static_cast<int64_t>(std::max(q.scale.size(), q.zero_point.size())))
        fail("per-channel scale does not broadcast along one axis of the tensor");
      if (q.scale.size() == 1) q.scale.assign(q.zero_point.size(), q.scale[0]);
      q.axis = axis;
    }
    Value v;
    v.kind = ValueKind::DQConst;
    v.q = q;
    v.c.dims = x.c.dims;
    v.c.type = onnx::TensorProto::INT32;
    v.c.values.resize(x.c.values.size());
    for (int64_t k = 0; k < x.c.size(); ++k) {
      const int64_t ch = axis >= 0 ? channel_of(k, x.c.dims, axis) : 0;
      const double t = x.c.values[k] / q.scale_at(ch) + q.zero_point_at(ch);
      double r = 0;
      if (!std::isfinite(t)) fail("weight is not finite");
      if (!round_by_mode(mode, t, r)) fail("unknown rounding_mode '" + mode + "'");
      v.c.values[k] = std::clamp(r, static_cast<double>(lo), static_cast<double>(hi));
    }
    return out(std::move(v));
  }
  // Activations are requantized by rounding half to even; other modes would need numerics
  // qasim's integer datapath does not have.
  if (mode != "ROUND") fail("rounding_mode '" + mode + "' is supported for weights only");
  if (q.per_channel() || q.zero_point.size() != 1) fail("activations must be quantized per tensor");
  if (x.kind == ValueKind::Pending) {
    set_output_q(x.layer, q);
  } else if (x.kind == ValueKind::Float) {
    const OpKind k = layer(x.layer).kind;
    if (!(x.q == q)) {
      if (!x.sole || uses(0) != 1 || (k != OpKind::MaxPool && k != OpKind::Flatten))
        fail("requantizes a tensor without an operator");
      set_output_q(x.layer, q, true);
    }
  } else {
    fail("Quant needs a float tensor");
  }
  if (narrow) {
    if (!x.sole || uses(0) != 1) fail("a narrow range on a shared tensor cannot be fused");
    constexpr float inf = std::numeric_limits<float>::infinity();
    const float s = q.scale[0];
    const int32_t zp = q.zero_point[0];
    if (is_signed)
      fuse_clamp(x.layer, s * static_cast<float>(lo - zp), inf);
    else
      fuse_clamp(x.layer, -inf, s * static_cast<float>(hi - zp));
  }
  out(activation_value(ValueKind::Float, x.layer, x.rank, x.sole && uses(0) == 1));
}

void Importer::op_bipolar_quant() {
  expect_inputs(2, 2);
  expect_outputs(1);
  attrs().allow_only({});
  const ConstTensor& scale = const_in(1, "scale");
  if (scale.values.empty() || scale.is_integer()) fail("scale must be float");
  const QuantParams q = QuantParams::binary(to_float(scale));
  for (float s : q.scale)
    if (!(s > 0.f) || !std::isfinite(s)) fail(fmt::format("scale {} must be positive", s));
  const Value& x = in(0);
  if (x.kind == ValueKind::Const) {
    Value v;
    v.kind = ValueKind::DQConst;
    v.q = q;
    if (q.per_channel()) {
      v.q.axis = broadcast_axis(scale.dims, x.c.dims.size());
      if (v.q.axis < 0 ||
          x.c.dims[static_cast<size_t>(v.q.axis)] != static_cast<int64_t>(q.scale.size()))
        fail("per-channel scale does not broadcast along one axis of the tensor");
    }
    v.c.dims = x.c.dims;
    v.c.type = onnx::TensorProto::INT8;
    v.c.values.resize(x.c.values.size());
    for (int64_t k = 0; k < x.c.size(); ++k) {
      if (std::isnan(x.c.values[k])) fail("weight is not a number");
      v.c.values[k] = x.c.values[k] >= 0 ? 1.0 : -1.0;  // sign(0) = +1
    }
    return out(std::move(v));
  }
  if (q.per_channel()) fail("activations must be quantized per tensor");
  if (x.kind == ValueKind::Pending)
    set_output_q(x.layer, q);
  else if (x.kind != ValueKind::Float || !(x.q == q))
    fail("BipolarQuant needs a float tensor");
  out(activation_value(ValueKind::Float, x.layer, x.rank, x.sole && uses(0) == 1));
}

}  // namespace qasim::workloads::onnx_io
