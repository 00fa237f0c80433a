// Importer: QOperator models, whose operators take integer tensors with their scales
// and zero points as inputs (QLinearConv, QLinearMatMul, the com.microsoft QLinear*
// family, QGemm) or produce integer accumulators (ConvInteger, MatMulInteger).
#include <fmt/format.h>

#include <cmath>

#include "workloads/errors.h"
#include "workloads/onnx/onnx_importer.h"

namespace qasim::workloads::onnx_io {

using kernels::QuantParams;
using onnx::TensorProto;

namespace {

int32_t zp_type(const Value* zp) {
  return zp != nullptr ? zp->c.type : TensorProto::UINT8;
}

// The scale / zero point an operator states for an integer operand must be the ones it
// was quantized with: the IR has no separate input rescale.
void check_operand(const QuantParams& have, const QuantParams& said, const std::string& where,
                   size_t i) {
  if (have.scale != said.scale || have.zero_point != said.zero_point)
    throw InputError(where, fmt::format("input {} is stated with scale {} / zero point {} but was "
                                        "quantized with {} / {}",
                                        i, said.scale[0], said.zero_point[0], have.scale[0],
                                        have.zero_point[0]));
}

}  // namespace

void Importer::op_qlinear_conv() {
  expect_inputs(8, 9);
  expect_outputs(1);
  const Attributes a = attrs();
  a.allow_only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const Value& x = int_activation(0, 4);
  check_operand(x.q, activation_params(1, 2, zp_type(opt_in(2)), "x"), m_where, 0);
  const ConstTensor& wc = const_in(3, "weights");
  if (wc.dims.size() != 4 || !wc.is_integer()) fail("weights must be an integer rank-4 constant");
  Value w;
  w.kind = ValueKind::DQConst;
  w.c = wc;
  w.q = linear_params(4, 5, wc.type, 0, "w");
  Layer l;
  l.kind = OpKind::Conv;
  l.inputs = {x.layer};
  take_weights(l, w, 0, false);
  const Shape3 s = shape_of(x.layer);
  if (wc.dims[2] > (1 << 16) || wc.dims[3] > (1 << 16)) fail("kernel too large");
  l.geometry = geometry(a, s, static_cast<int>(wc.dims[2]), static_cast<int>(wc.dims[3]), true);
  if (s.c % l.geometry.groups != 0 || s.c / l.geometry.groups != wc.dims[1])
    fail(
        fmt::format("weights expect {} input channels per group, the input has {} in {} "
                    "group(s)",
                    wc.dims[1], s.c, l.geometry.groups));
  const QuantParams y = activation_params(6, 7, zp_type(opt_in(7)), "y");
  l.has_bias = has_input(8);
  if (l.has_bias) {
    const ConstTensor& b = const_in(8, "bias");
    if (b.type != TensorProto::INT32 || b.size() != l.out_channels)
      fail(fmt::format("bias must be {} int32 values", l.out_channels));
    l.bias = to_int32(b, m_where, "bias");
  }
  const int id = add_layer(std::move(l));
  set_output_q(id, y);
  out(activation_value(ValueKind::Quant, id, 4, true));
}

void Importer::op_qlinear_matmul() {
  expect_inputs(8, 8);
  expect_outputs(1);
  const Value& x = int_activation(0, 2);
  check_operand(x.q, activation_params(1, 2, zp_type(opt_in(2)), "a"), m_where, 0);
  const ConstTensor& wc = const_in(3, "b");
  if (wc.dims.size() != 2 || !wc.is_integer()) fail("b must be an integer rank-2 constant");
  Value w;
  w.kind = ValueKind::DQConst;
  w.c = wc;
  w.q = linear_params(4, 5, wc.type, 1, "b");
  Layer l;
  l.kind = OpKind::FullyConnected;
  l.inputs = {x.layer};
  take_weights(l, w, 1, true);
  if (l.weights.dim(1) != shape_of(x.layer).elements())
    fail(fmt::format("weights take {} features, the input has {}", l.weights.dim(1),
                     shape_of(x.layer).elements()));
  l.has_bias = false;
  const QuantParams y = activation_params(6, 7, zp_type(opt_in(7)), "y");
  const int id = add_layer(std::move(l));
  set_output_q(id, y);
  out(activation_value(ValueKind::Quant, id, 2, true));
}

void Importer::op_qgemm() {
  expect_inputs(6, 9);
  expect_outputs(1);
  const Attributes a = attrs();
  a.allow_only({"alpha", "transA", "transB", "domain"});
  if (a.get_int("transA", 0, 0, 1) != 0) fail("transA=1 is not supported");
  if (a.get_float("alpha", 1.f) != 1.f) fail("alpha other than 1 is not supported");
  if (!has_input(7)) fail("QGemm with a float output is not supported");
  const bool trans_b = a.get_int("transB", 0, 0, 1) == 1;
  const Value& x = int_activation(0, 2);
  check_operand(x.q, activation_params(1, 2, zp_type(opt_in(2)), "A"), m_where, 0);
  const ConstTensor& wc = const_in(3, "B");
  if (wc.dims.size() != 2 || !wc.is_integer()) fail("B must be an integer rank-2 constant");
  Value w;
  w.kind = ValueKind::DQConst;
  w.c = wc;
  w.q = linear_params(4, 5, wc.type, trans_b ? 0 : 1, "B");
  Layer l;
  l.kind = OpKind::FullyConnected;
  l.inputs = {x.layer};
  take_weights(l, w, trans_b ? 0 : 1, !trans_b);
  if (l.weights.dim(1) != shape_of(x.layer).elements())
    fail(fmt::format("weights take {} features, the input has {}", l.weights.dim(1),
                     shape_of(x.layer).elements()));
  l.has_bias = has_input(6);
  if (l.has_bias) {
    const ConstTensor& b = const_in(6, "C");
    if (b.type != TensorProto::INT32 || b.size() != l.out_channels)
      fail(fmt::format("C must be {} int32 values", l.out_channels));
    l.bias = to_int32(b, m_where, "bias");
  }
  const QuantParams y = activation_params(7, 8, zp_type(opt_in(8)), "y");
  const int id = add_layer(std::move(l));
  set_output_q(id, y);
  out(activation_value(ValueKind::Quant, id, 2, true));
}

void Importer::op_integer(bool conv) {
  expect_inputs(2, 4);
  expect_outputs(1);
  const Attributes a = attrs();
  if (conv)
    a.allow_only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  else
    a.allow_only({});
  const Value& x = int_activation(0, conv ? 4 : 2);
  if (has_input(2)) {
    const ConstTensor& z = const_in(2, "input zero point");
    if (z.values.size() != 1) fail("the input zero point must be a scalar");
    if (to_int32(z, m_where, "zero point")[0] != x.q.zero_point[0])
      fail("the input zero point differs from the one the input was quantized with");
  } else if (x.q.zero_point[0] != 0) {
    fail("the input zero point differs from the one the input was quantized with");
  }
  const ConstTensor& wc = const_in(1, "weights");
  if (wc.dims.size() != (conv ? 4u : 2u) || !wc.is_integer())
    fail(fmt::format("weights must be an integer rank-{} constant", conv ? 4 : 2));
  Value w;
  w.kind = ValueKind::DQConst;
  w.c = wc;
  w.q.bits = weight_bits_of(wc.type);
  w.q.is_signed = wc.type != TensorProto::UINT8;
  const int oc_axis = conv ? 0 : 1;
  if (has_input(3)) {
    const ConstTensor& z = const_in(3, "weight zero point");
    if (z.type != wc.type) fail("the weight zero point has another type than the weights");
    w.q.zero_point = to_int32(z, m_where, "zero point");
    if (w.q.zero_point.empty()) fail("empty weight zero point");
    if (w.q.zero_point.size() > 1) {
      // Per-channel zero points need per-channel scales of the same length.
      w.q.scale.assign(w.q.zero_point.size(), 1.f);
      w.q.axis = oc_axis;
    }
  }
  Layer l;
  l.kind = conv ? OpKind::Conv : OpKind::FullyConnected;
  l.inputs = {x.layer};
  take_weights(l, w, oc_axis, !conv);
  const Shape3 s = shape_of(x.layer);
  if (conv) {
    if (wc.dims[2] > (1 << 16) || wc.dims[3] > (1 << 16)) fail("kernel too large");
    l.geometry = geometry(a, s, static_cast<int>(wc.dims[2]), static_cast<int>(wc.dims[3]), true);
    if (s.c % l.geometry.groups != 0 || s.c / l.geometry.groups != wc.dims[1])
      fail("weights do not match the input channels");
  } else if (l.weights.dim(1) != s.elements()) {
    fail(fmt::format("weights take {} features, the input has {}", l.weights.dim(1), s.elements()));
  }
  l.has_bias = false;  // Cast, Mul (scale) and Add (bias) follow
  const int id = add_layer(std::move(l));
  Value v = activation_value(ValueKind::Acc, id, conv ? 4 : 2, true);
  out(std::move(v));
}

void Importer::op_div() {
  expect_inputs(2, 2);
  expect_outputs(1);
  const Value& x = foldable(0, "Div by a constant");
  const int oc = layer(x.layer).out_channels;
  std::vector<double> k = channel_values(const_in(1, "divisor"), x.rank, oc);
  for (double& v : k) v = 1.0 / v;  // a zero divisor gives inf: refused by the fold
  fold_affine(x.layer, k, std::vector<double>(k.size(), 0.0));
  out(activation_value(ValueKind::Pending, x.layer, x.rank, true));
}

void Importer::op_mul() {
  expect_inputs(2, 2);
  expect_outputs(1);
  if (in(0).kind == ValueKind::Pending || in(1).kind == ValueKind::Pending) {
    // A per-channel constant scale on a fresh conv / fc output (folded like BatchNorm).
    const size_t act = in(0).kind == ValueKind::Pending ? 0 : 1;
    const Value& x = foldable(act, "Mul by a constant");
    const int oc = layer(x.layer).out_channels;
    const std::vector<double> k = channel_values(const_in(1 - act, "factor"), x.rank, oc);
    fold_affine(x.layer, k, std::vector<double>(k.size(), 0.0));
    return out(activation_value(ValueKind::Pending, x.layer, x.rank, true));
  }
  const size_t acc_i = in(0).kind == ValueKind::AccFloat ? 0 : 1;
  const Value& acc = in(acc_i);
  if (acc.kind != ValueKind::AccFloat || uses(acc_i) != 1)
    fail(
        "Mul is supported only as the scale of ConvInteger / MatMulInteger accumulators "
        "(after a Cast to float)");
  const ConstTensor& m = const_in(1 - acc_i, "scale");
  Layer& l = layer(acc.layer);
  const size_t oc = static_cast<size_t>(l.out_channels);
  if (m.is_integer()) fail("the scale must be float");
  const std::vector<double> factors = channel_values(m, acc.rank, static_cast<int>(oc));
  // The accumulator's real scale is in_scale * w_scale; recover w_scale (to float
  // precision: the product is requantized in one step, not multiplied then divided).
  const float in_scale = layer(l.inputs[0]).output_q.scale[0];
  std::vector<float> scales;
  for (double s : factors) {
    const float w = to_float(s) / in_scale;
    if (!(w > 0.f) || !std::isfinite(w)) fail(fmt::format("scale {} is not positive", s));
    scales.push_back(w);
  }
  // One scale for all channels is per tensor, unless per-channel zero points need one each.
  if (!l.weight_q.per_channel() && m.values.size() == 1) scales.resize(1);
  l.weight_q.scale = scales;
  l.weight_q.axis = 0;
  out(activation_value(ValueKind::Pending, acc.layer, acc.rank, true));
}

void Importer::op_qlinear_add() {
  expect_inputs(7, 8);
  expect_outputs(1);
  const Value& x = int_activation(0, 0);
  const Value& y = int_activation(3, x.rank);
  check_operand(x.q, activation_params(1, 2, zp_type(opt_in(2)), "A"), m_where, 0);
  check_operand(y.q, activation_params(4, 5, zp_type(opt_in(5)), "B"), m_where, 3);
  const QuantParams out_q = activation_params(6, 7, zp_type(opt_in(7)), "C");
  Layer l;
  l.kind = OpKind::Add;
  l.inputs = {x.layer, y.layer};
  const int rank = x.rank;
  const int id = add_layer(std::move(l));
  set_output_q(id, out_q);
  out(activation_value(ValueKind::Quant, id, rank, true));
}

void Importer::op_qlinear_pool(bool global) {
  expect_inputs(4, 5);
  expect_outputs(1);
  const Attributes a = attrs();
  if (global) {
    a.allow_only({"channels_last"});
  } else {
    a.allow_only({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides",
                  "channels_last"});
  }
  if (a.get_int("channels_last", 0, 0, 1) != 0) fail("channels_last=1 is not supported");
  const Value& x = int_activation(0, 4);
  check_operand(x.q, activation_params(1, 2, zp_type(opt_in(2)), "X"), m_where, 0);
  const QuantParams y = activation_params(3, 4, zp_type(opt_in(4)), "Y");
  Layer l;
  l.kind = global ? OpKind::GlobalAvgPool : OpKind::AvgPool;
  l.inputs = {x.layer};
  if (!global) {
    l.geometry = geometry(a, shape_of(x.layer), 1, 1, false);
    l.count_include_pad = a.get_int("count_include_pad", 0, 0, 1) == 1;
  }
  const int id = add_layer(std::move(l));
  set_output_q(id, y);
  out(activation_value(ValueKind::Quant, id, 4, true));
}

void Importer::op_qlinear_concat() {
  if (num_inputs() < 8 || (num_inputs() - 2) % 3 != 0)
    fail("QLinearConcat takes Y_scale, Y_zero_point and at least two (X, scale, zero point)");
  expect_outputs(1);
  const Value& first = int_activation(2, 0);
  const int64_t axis = attrs().get_int("axis", 1, -4, 3);
  if (axis != 1 && axis != 1 - first.rank) fail("only concatenation along channels is supported");
  const QuantParams y = activation_params(0, 1, zp_type(opt_in(1)), "Y");
  Layer l;
  l.kind = OpKind::Concat;
  for (size_t i = 2; i + 2 < num_inputs(); i += 3) {
    const Value& x = int_activation(i, first.rank);
    check_operand(x.q, activation_params(i + 1, i + 2, zp_type(opt_in(i + 2)), "X"), m_where, i);
    l.inputs.push_back(x.layer);
  }
  check_concat_channels(l.inputs);
  const int rank = first.rank;
  const int id = add_layer(std::move(l));
  set_output_q(id, y);
  out(activation_value(ValueKind::Quant, id, rank, true));
}

}  // namespace qasim::workloads::onnx_io
