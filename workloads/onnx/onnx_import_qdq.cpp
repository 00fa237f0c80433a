// Importer: constants, QuantizeLinear / DequantizeLinear, and the clamps (Relu, Clip)
// that either fuse into a layer or narrow a quantized range (QCDQ).
#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "workloads/onnx/onnx_importer.h"

namespace qasim::workloads::onnx_io {

using kernels::QuantParams;
using onnx::TensorProto;

namespace {

// Channel of flat index k of a tensor with `dims` along `axis`.
int64_t channel_of(int64_t k, const kernels::Dims& dims, int axis) {
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  return inner == 0 ? 0 : (k / inner) % dims[static_cast<size_t>(axis)];
}

// Bit width b whose full (or narrow: lowest value dropped) range is exactly [lo, hi]; 0 if none.
int range_bits(int64_t lo, int64_t hi, bool is_signed, bool& narrow) {
  for (int b = 1; b <= 16; ++b) {
    const int64_t smin = -(int64_t{1} << (b - 1)), smax = (int64_t{1} << (b - 1)) - 1;
    const int64_t umax = (int64_t{1} << b) - 1;
    if (is_signed && hi == smax && (lo == smin || lo == smin + 1)) {
      narrow = lo != smin;
      return b;
    }
    if (!is_signed && lo == 0 && (hi == umax || hi == umax - 1)) {
      narrow = hi != umax;
      return b;
    }
  }
  return 0;
}

int normalise_axis(int64_t axis, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return -1;
  return static_cast<int>(axis < 0 ? axis + r : axis);
}

}  // namespace

void Importer::op_constant() {
  expect_inputs(0, 0);
  expect_outputs(1);
  const Attributes a = attrs();
  Value v;
  if (const TensorProto* t = a.get_tensor("value")) {
    v.c = read_tensor(*t, m_where);
  } else if (a.has("value_float")) {
    v.c.values = {a.get_float("value_float", 0.f)};
  } else if (a.has("value_int")) {
    v.c.type = TensorProto::INT64;
    v.c.values = {static_cast<double>(a.get_int("value_int", 0, INT32_MIN, INT32_MAX))};
  } else if (a.has("value_ints")) {
    v.c.type = TensorProto::INT64;
    for (int64_t x : a.get_ints("value_ints", {}, INT32_MIN, INT32_MAX))
      v.c.values.push_back(static_cast<double>(x));
    v.c.dims = {v.c.size()};
  } else {
    fail("only tensor, float and int constants are supported");
  }
  out(std::move(v));
}

void Importer::op_identity() {
  expect_inputs(1, 1);
  expect_outputs(1);
  Value v = in(0);
  v.sole = v.sole && uses(0) == 1;
  out(std::move(v));
}

void Importer::op_cast() {
  expect_inputs(1, 1);
  expect_outputs(1);
  const int64_t to = attrs().get_int("to", 0, 0, 64);
  Value v = in(0);
  if (v.kind == ValueKind::Const) {
    if (!is_integer_type(static_cast<int32_t>(to)) && to != TensorProto::FLOAT)
      fail("cast of a constant to " + type_name(static_cast<int32_t>(to)) + " is not supported");
    if (is_integer_type(static_cast<int32_t>(to)) && to != TensorProto::BOOL) {
      int64_t lo = INT32_MIN, hi = INT32_MAX;
      if (to != TensorProto::INT64 && to != TensorProto::UINT32 && to != TensorProto::UINT64)
        integer_type_range(static_cast<int32_t>(to), lo, hi);
      for (double& x : v.c.values) {
        if (!std::isfinite(x)) fail("cast of a non-finite value to an integer");
        x = std::trunc(x);
        if (x < static_cast<double>(lo) || x > static_cast<double>(hi))
          fail(fmt::format("value {} does not fit {}", x, type_name(static_cast<int32_t>(to))));
      }
    }
    v.c.type = static_cast<int32_t>(to);
  } else if (v.kind == ValueKind::Quant) {
    // PyTorch's export casts a quantized tensor to its own type between Q and DQ.
    const int32_t own = v.q.is_signed ? TensorProto::INT8 : TensorProto::UINT8;
    if (v.q.bits > 8 || to != own) fail("cast changes the type of a quantized tensor");
    v.sole = v.sole && uses(0) == 1;
  } else if (v.kind == ValueKind::Acc && to == TensorProto::FLOAT) {
    v.kind = ValueKind::AccFloat;
  } else {
    fail("unsupported cast");
  }
  out(std::move(v));
}

void Importer::op_constant_of_shape() {
  expect_inputs(1, 1);
  expect_outputs(1);
  const ConstTensor& shape = const_in(0, "shape");
  Value v;
  // Real models make zero points this way (one per channel); the size is not bounded by
  // the file's, so keep it small.
  constexpr int64_t kMaxFill = int64_t{1} << 20;
  int64_t count = 1;
  for (double d : shape.values) {
    if (!(d >= 0 && d <= static_cast<double>(kMaxFill))) fail("bad shape");
    count *= static_cast<int64_t>(d);
    if (count > kMaxFill) fail("constant too large");
    v.c.dims.push_back(static_cast<int64_t>(d));
  }
  double fill = 0;
  if (const TensorProto* t = attrs().get_tensor("value")) {
    const ConstTensor c = read_tensor(*t, m_where);
    if (c.values.size() != 1) fail("value must hold one element");
    fill = c.values[0];
    v.c.type = c.type;
  }
  v.c.values.assign(static_cast<size_t>(count), fill);
  out(std::move(v));
}

void Importer::op_quantize_linear() {
  expect_inputs(2, 3);
  expect_outputs(1);
  const Value& x = in(0);
  const int32_t type = has_input(2) ? const_in(2, "zero point").type : TensorProto::UINT8;
  if (type != TensorProto::INT8 && type != TensorProto::UINT8 && type != TensorProto::INT16 &&
      type != TensorProto::UINT16)
    fail("QuantizeLinear produces int8, uint8, int16 or uint16, not " + type_name(type));
  if (x.kind == ValueKind::Const) {  // weights quantized in the file (PyTorch QAT export)
    if (x.c.is_integer()) fail("quantizing an integer constant");
    const int axis = normalise_axis(attrs().get_int("axis", 1, -64, 64), x.c.dims.size());
    Value v;
    v.kind = ValueKind::QConst;
    v.q = linear_params(1, 2, type, axis, "QuantizeLinear");
    if (v.q.per_channel() &&
        (axis < 0 || x.c.dims[static_cast<size_t>(axis)] != static_cast<int64_t>(v.q.scale.size())))
      fail("per-axis scale count does not match the tensor");
    int64_t lo = 0, hi = 0;
    integer_type_range(type, lo, hi);
    v.c.dims = x.c.dims;
    v.c.type = type;
    v.c.values.resize(x.c.values.size());
    for (int64_t k = 0; k < x.c.size(); ++k) {
      const int64_t ch = v.q.per_channel() ? channel_of(k, x.c.dims, axis) : 0;
      // ONNX: saturate(round_half_even(x / scale) + zero_point), division in float32.
      const float r = to_float(x.c.values[k]) / v.q.scale_at(ch);
      if (!std::isfinite(r)) fail("weight is not finite");
      const double q = std::nearbyint(r) + v.q.zero_point_at(ch);
      v.c.values[k] = std::clamp(q, static_cast<double>(lo), static_cast<double>(hi));
    }
    return out(std::move(v));
  }
  const QuantParams q = activation_params(1, 2, type, "QuantizeLinear");
  if (x.kind == ValueKind::Pending) {
    set_output_q(x.layer, q);
    return out(activation_value(ValueKind::Quant, x.layer, x.rank, x.sole && uses(0) == 1));
  }
  if (x.kind == ValueKind::Float) {
    const bool sole = x.sole && uses(0) == 1;
    if (!(x.q == q)) {
      // Max pooling and flattening may requantize (the golden engine rescales); any other
      // requantization needs an operator qasim does not have.
      const OpKind k = layer(x.layer).kind;
      if (!sole || (k != OpKind::MaxPool && k != OpKind::Flatten))
        fail(
            "requantizes a tensor without an operator (DequantizeLinear -> QuantizeLinear "
            "with different parameters)");
      set_output_q(x.layer, q, true);
    }
    return out(activation_value(ValueKind::Quant, x.layer, x.rank, sole));
  }
  fail("QuantizeLinear needs a float tensor");
}

void Importer::op_dequantize_linear() {
  expect_inputs(2, 3);
  expect_outputs(1);
  const Value& x = in(0);
  if (x.kind == ValueKind::Const || x.kind == ValueKind::QConst) {
    if (!x.c.is_integer()) fail("dequantizing a float constant");
    const int axis = normalise_axis(attrs().get_int("axis", 1, -64, 64), x.c.dims.size());
    Value v;
    v.kind = ValueKind::DQConst;
    v.c = x.c;
    v.q = linear_params(1, 2, x.c.type, axis, "DequantizeLinear");
    if (x.narrowed_bits > 0) v.q.bits = x.narrowed_bits;
    if (v.q.per_channel() &&
        (axis < 0 || x.c.dims[static_cast<size_t>(axis)] != static_cast<int64_t>(v.q.scale.size())))
      fail("per-axis scale count does not match the tensor");
    if (x.kind == ValueKind::QConst) {
      if (v.q.scale != x.q.scale || v.q.zero_point != x.q.zero_point)
        fail("dequantizes with other parameters than the constant was quantized with");
      v.q = x.q;  // keeps a range narrowed by Clip
    }
    return out(std::move(v));
  }
  if (x.kind != ValueKind::Quant) fail("DequantizeLinear needs an integer tensor");
  const int32_t type = has_input(2) ? const_in(2, "zero point").type
                                    : (x.q.is_signed ? TensorProto::INT8 : TensorProto::UINT8);
  const QuantParams q = activation_params(1, 2, type, "DequantizeLinear");
  if (q.scale != x.q.scale || q.zero_point != x.q.zero_point || q.is_signed != x.q.is_signed)
    fail("dequantizes with other parameters than the tensor was quantized with");
  out(activation_value(ValueKind::Float, x.layer, x.rank, x.sole && uses(0) == 1));
}

void Importer::op_relu() {
  expect_inputs(1, 1);
  expect_outputs(1);
  const Value& x = in(0);
  if (x.kind != ValueKind::Pending && x.kind != ValueKind::Float && x.kind != ValueKind::Quant)
    fail("Relu needs an activation");
  if (!x.sole || uses(0) != 1)
    fail("Relu reads a tensor that other nodes also read; it cannot be fused");
  fuse_clamp(x.layer, 0.f, std::numeric_limits<float>::infinity());
  // A clamp after DequantizeLinear is fused too; the QuantizeLinear that follows must then
  // repeat the layer's parameters (set_output_q checks it).
  const ValueKind k = x.kind == ValueKind::Quant ? ValueKind::Quant : ValueKind::Pending;
  out(activation_value(k, x.layer, x.rank, true));
}

void Importer::op_clip() {
  expect_inputs(1, 3);
  expect_outputs(1);
  const Value& x = in(0);
  double lo = -FLT_MAX, hi = FLT_MAX;
  if (m_opsets.count("") && m_opsets.at("") < 11) {  // bounds were attributes before opset 11
    lo = attrs().get_float("min", -FLT_MAX);
    hi = attrs().get_float("max", FLT_MAX);
  }
  for (size_t i : {size_t{1}, size_t{2}}) {
    if (!has_input(i)) continue;
    const ConstTensor& b = const_in(i, "Clip bound");
    if (b.values.size() != 1) fail("Clip bounds must be scalars");
    (i == 1 ? lo : hi) = b.values[0];
  }
  if (std::isnan(lo) || std::isnan(hi) || lo > hi) fail("Clip bounds are empty or not numbers");
  if (x.kind == ValueKind::Pending || x.kind == ValueKind::Float) {
    if (!x.sole || uses(0) != 1) fail("Clip reads a tensor that other nodes also read");
    fuse_clamp(x.layer, to_float(lo), to_float(hi));
    return out(activation_value(ValueKind::Pending, x.layer, x.rank, true));
  }
  if (x.kind == ValueKind::Const && x.c.is_integer() && x.c.type != TensorProto::INT32) {
    // Integer weights clipped before DequantizeLinear: the clip range says their width.
    int64_t tlo = 0, thi = 0;
    integer_type_range(x.c.type, tlo, thi);
    bool narrow = false;
    const bool is_signed = tlo < 0;
    lo = std::max(lo, static_cast<double>(tlo));
    hi = std::min(hi, static_cast<double>(thi));
    if (std::floor(lo) != lo || std::floor(hi) != hi || lo > hi)
      fail("integer Clip bounds must be integers");
    Value v = x;
    v.narrowed_bits =
        range_bits(static_cast<int64_t>(lo), static_cast<int64_t>(hi), is_signed, narrow);
    for (double& c : v.c.values) c = std::clamp(c, lo, hi);
    return out(std::move(v));
  }
  if (x.kind != ValueKind::QConst && x.kind != ValueKind::Quant) fail("unsupported Clip operand");
  // On integers: a Clip to an exact b-bit range narrows the quantization (Brevitas QCDQ);
  // any other range is a fused activation clamp (QOperator).
  QuantParams q = x.q;
  if (std::floor(lo) != lo || std::floor(hi) != hi || lo < q.qmin() || hi > q.qmax())
    fail(fmt::format("integer Clip bounds [{}, {}] outside [{}, {}]", lo, hi, q.qmin(), q.qmax()));
  bool narrow = false;
  const int bits =
      range_bits(static_cast<int64_t>(lo), static_cast<int64_t>(hi), q.is_signed, narrow);
  if (bits > 0) {
    q.bits = bits;
    for (int32_t z : q.zero_point)
      if (z < q.qmin() || z > q.qmax()) fail("zero point outside the clipped range");
  }
  if (x.kind == ValueKind::QConst) {
    Value v = x;
    v.q = q;
    for (double& c : v.c.values) c = std::clamp(c, lo, hi);
    return out(std::move(v));
  }
  if (!x.sole || uses(0) != 1) fail("Clip reads a tensor that other nodes also read");
  const bool full = bits > 0 && !narrow;
  if (!full) {
    const float s = q.scale[0];
    const int32_t zp = q.zero_point[0];
    if (lo == zp && hi >= x.q.qmax())  // [zero point, qmax] is ReLU
      fuse_clamp(x.layer, 0.f, std::numeric_limits<float>::infinity());
    else
      fuse_clamp(x.layer, s * static_cast<float>(lo - zp), s * static_cast<float>(hi - zp));
  }
  if (bits > 0) {
    try {
      q.validate("clipped quantization");
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    layer(x.layer).output_q = q;
  }
  out(activation_value(ValueKind::Quant, x.layer, x.rank, true));
}

}  // namespace qasim::workloads::onnx_io
