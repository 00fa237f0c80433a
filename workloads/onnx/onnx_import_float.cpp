// Importer: the float operators of QDQ models. Each takes dequantized activations and
// dequantized constant weights and becomes an integer layer whose output waits for the
// QuantizeLinear (or QONNX Quant) that follows.
#include <fmt/format.h>

#include <cmath>

#include "workloads/onnx/onnx_importer.h"

namespace qasim::workloads::onnx_io {

using kernels::QuantParams;

void Importer::op_conv() {
  expect_inputs(2, 3);
  expect_outputs(1);
  const Attributes a = attrs();
  a.allow_only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const Value& x = float_activation(0, 4);
  const Value& w = in(1);
  if (w.c.dims.size() != 4) fail("Conv weights must have rank 4 [OC, IC/group, KH, KW]");
  Layer l;
  l.kind = OpKind::Conv;
  l.inputs = {x.layer};
  take_weights(l, w, 0, false);
  const Shape3 s = shape_of(x.layer);
  if (w.c.dims[2] > (1 << 16) || w.c.dims[3] > (1 << 16)) fail("kernel too large");
  l.geometry = geometry(a, s, static_cast<int>(w.c.dims[2]), static_cast<int>(w.c.dims[3]), true);
  if (s.c % l.geometry.groups != 0 || s.c / l.geometry.groups != w.c.dims[1])
    fail(
        fmt::format("weights expect {} input channels per group, the input has {} in {} "
                    "group(s)",
                    w.c.dims[1], s.c, l.geometry.groups));
  l.has_bias = has_input(2);
  l.bias = quantize_bias(opt_in(2), x.q.scale[0], l);
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, 4, true));
}

void Importer::op_gemm() {
  expect_inputs(2, 3);
  expect_outputs(1);
  const Attributes a = attrs();
  a.allow_only({"alpha", "beta", "transA", "transB"});
  if (a.get_int("transA", 0, 0, 1) != 0) fail("transA=1 is not supported");
  if (a.get_float("alpha", 1.f) != 1.f) fail("alpha other than 1 is not supported");
  if (has_input(2) && a.get_float("beta", 1.f) != 1.f) fail("beta other than 1 is not supported");
  const bool trans_b = a.get_int("transB", 0, 0, 1) == 1;
  const Value& x = float_activation(0, 2);
  const Value& w = in(1);
  if (w.c.dims.size() != 2) fail("Gemm weights must have rank 2");
  Layer l;
  l.kind = OpKind::FullyConnected;
  l.inputs = {x.layer};
  take_weights(l, w, trans_b ? 0 : 1, !trans_b);
  if (l.weights.dim(1) != shape_of(x.layer).elements())
    fail(fmt::format("weights take {} features, the input has {}", l.weights.dim(1),
                     shape_of(x.layer).elements()));
  l.has_bias = has_input(2);
  l.bias = quantize_bias(opt_in(2), x.q.scale[0], l);
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, 2, true));
}

void Importer::op_matmul() {
  expect_inputs(2, 2);
  expect_outputs(1);
  const Value& x = float_activation(0, 2);
  const Value& w = in(1);
  if (w.c.dims.size() != 2) fail("MatMul weights must be a rank-2 constant [K, N]");
  Layer l;
  l.kind = OpKind::FullyConnected;
  l.inputs = {x.layer};
  take_weights(l, w, 1, true);
  if (l.weights.dim(1) != shape_of(x.layer).elements())
    fail(fmt::format("weights take {} features, the input has {}", l.weights.dim(1),
                     shape_of(x.layer).elements()));
  l.has_bias = false;  // an Add of a constant may follow
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, 2, true));
}

void Importer::op_add() {
  expect_inputs(2, 2);
  expect_outputs(1);
  const Value& a = in(0);
  const Value& b = in(1);
  // A constant added to a fresh conv / fc output is (more) bias: MatMul + Add, or
  // PyTorch's QAT conv + bias.
  if (a.is_const() != b.is_const()) {
    const size_t act = a.is_const() ? 1 : 0;
    const Value& x = foldable(act, "Add of a constant");
    const int oc = layer(x.layer).out_channels;
    const Value& c = in(1 - act);
    if (c.kind == ValueKind::QConst) fail("the constant is quantized but never dequantized");
    std::vector<double> add = channel_values(c.c, x.rank, oc);
    if (c.kind == ValueKind::DQConst)
      for (size_t ch = 0; ch < add.size(); ++ch)
        add[ch] = c.q.scale_at(static_cast<int64_t>(ch)) *
                  (add[ch] - c.q.zero_point_at(static_cast<int64_t>(ch)));
    fold_affine(x.layer, std::vector<double>(static_cast<size_t>(oc), 1.0), add);
    return out(activation_value(ValueKind::Pending, x.layer, x.rank, true));
  }
  const Value& x = float_activation(0, 0);
  const Value& y = float_activation(1, 0);
  if (x.rank != y.rank) fail("adds tensors of different rank");
  Layer l;
  l.kind = OpKind::Add;
  l.inputs = {x.layer, y.layer};
  const int rank = x.rank;
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, rank, true));
}

void Importer::op_batchnorm() {
  expect_inputs(5, 5);
  expect_outputs(1);
  const Attributes a = attrs();
  a.allow_only({"epsilon", "momentum", "spatial", "training_mode"});
  if (a.get_int("training_mode", 0, 0, 1) != 0) fail("training-mode BatchNormalization");
  const double eps = a.get_float("epsilon", 1e-5f);
  const Value& x = foldable(0, "BatchNormalization");
  const size_t oc = static_cast<size_t>(layer(x.layer).out_channels);
  const ConstTensor* p[4];
  const char* names[4] = {"scale", "B", "mean", "var"};
  for (size_t i = 0; i < 4; ++i) {
    p[i] = &const_in(i + 1, names[i]);
    if (p[i]->values.size() != oc || p[i]->is_integer())
      fail(fmt::format("{} must be {} floats", names[i], oc));
  }
  // gamma * (y - mean) / sqrt(var + eps) + beta = k * y + (beta - mean * k).
  std::vector<double> k(oc), add(oc);
  for (size_t c = 0; c < oc; ++c) {
    const double var = p[3]->values[c] + eps;
    k[c] = p[0]->values[c] / std::sqrt(var);
    if (!(var > 0)) fail(fmt::format("channel {}: variance + epsilon is not positive", c));
    add[c] = p[1]->values[c] - p[2]->values[c] * k[c];
  }
  fold_affine(x.layer, k, add);
  layer(x.layer).batchnorm_folded = true;
  out(activation_value(ValueKind::Pending, x.layer, x.rank, true));
}

void Importer::op_pool(OpKind kind) {
  expect_inputs(1, 1);
  expect_outputs(1);
  const Attributes a = attrs();
  if (kind == OpKind::MaxPool) {
    a.allow_only(
        {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
    if (a.get_int("storage_order", 0, 0, 1) != 0) fail("storage_order=1 is not supported");
  } else {
    a.allow_only({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  }
  const bool integer = in(0).kind == ValueKind::Quant && kind == OpKind::MaxPool;
  const Value x = integer ? int_activation(0, 4) : float_activation(0, 4);
  Layer l;
  l.kind = kind;
  l.inputs = {x.layer};
  l.geometry = geometry(a, shape_of(x.layer), 1, 1, false);
  l.count_include_pad = a.get_int("count_include_pad", 0, 0, 1) == 1;
  const int id = add_layer(std::move(l));
  layer(id).output_q = x.q;  // until a QuantizeLinear says otherwise
  if (kind == OpKind::MaxPool) {
    // Max pooling keeps its input's quantization unless a QuantizeLinear says otherwise.
    set_output_q(id, x.q);
    return out(activation_value(integer ? ValueKind::Quant : ValueKind::Float, id, 4, true));
  }
  out(activation_value(ValueKind::Pending, id, 4, true));
}

void Importer::op_global_avg_pool() {
  expect_inputs(1, 1);
  expect_outputs(1);
  const Value& x = float_activation(0, 4);
  Layer l;
  l.kind = OpKind::GlobalAvgPool;
  l.inputs = {x.layer};
  l.output_q = x.q;  // until a QuantizeLinear says otherwise
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, 4, true));
}

void Importer::op_flatten() {
  expect_inputs(1, 1);
  expect_outputs(1);
  if (attrs().get_int("axis", 1, -4, 4) != 1 && attrs().get_int("axis", 1, -4, 4) != -3)
    fail("only Flatten(axis=1) is supported");
  const Value& x = in(0);
  if (x.kind == ValueKind::Pending) return flatten_pending(x);
  if (x.kind != ValueKind::Quant) float_activation(0, 0);
  if (m_implicit.count(m_node->name()) && x.rank == 4) {
    Value v = x;  // the exporter's own reshape before a Gemm: no layer
    v.rank = 2;
    v.sole = x.sole && uses(0) == 1;
    return out(std::move(v));
  }
  Layer l;
  l.kind = OpKind::Flatten;
  l.inputs = {x.layer};
  const int id = add_layer(std::move(l));
  set_output_q(id, x.q);
  out(activation_value(x.kind, id, 2, true));
}

void Importer::op_reshape() {
  expect_inputs(2, 2);
  expect_outputs(1);
  const Value& x = in(0);
  if (x.kind != ValueKind::Quant && x.kind != ValueKind::Pending) float_activation(0, 0);
  const ConstTensor& shape = const_in(1, "shape");
  const int64_t elements = shape_of(x.layer).elements();
  // Only the reshape that flattens to [N, C*H*W] (0 or -1 or 1 for the batch).
  const bool flattens =
      shape.values.size() == 2 &&
      (shape.values[0] == 0 || shape.values[0] == -1 || shape.values[0] == 1) &&
      (shape.values[1] == -1 || shape.values[1] == static_cast<double>(elements)) &&
      !(shape.values[0] == -1 && shape.values[1] == -1);
  if (!flattens) fail("only a Reshape to [N, C*H*W] (a flatten) is supported");
  if (x.kind == ValueKind::Pending) return flatten_pending(x);
  if (x.rank == 2) {
    Value v = x;
    v.sole = x.sole && uses(0) == 1;
    return out(std::move(v));
  }
  Layer l;
  l.kind = OpKind::Flatten;
  l.inputs = {x.layer};
  const int id = add_layer(std::move(l));
  set_output_q(id, x.q);
  out(activation_value(x.kind, id, 2, true));
}

// Flattening a layer's float output before its QuantizeLinear (PyTorch QAT: pooling ->
// flatten -> the fc's input quantizer): the same values, so no layer; the fc flattens.
void Importer::flatten_pending(const Value& x) {
  Value v = x;
  v.rank = 2;
  v.sole = x.sole && uses(0) == 1;
  out(std::move(v));
}

void Importer::op_concat() {
  expect_inputs(2, 1024);
  expect_outputs(1);
  const Value& first = float_activation(0, 0);
  const int64_t axis = attrs().get_int("axis", 1, -4, 3);
  if (axis != 1 && axis != 1 - first.rank) fail("only Concat along channels (axis 1) is supported");
  Layer l;
  l.kind = OpKind::Concat;
  for (size_t i = 0; i < num_inputs(); ++i) {
    const Value& x = float_activation(i, first.rank);
    l.inputs.push_back(x.layer);
  }
  check_concat_channels(l.inputs);
  const int rank = first.rank;
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, rank, true));
}

}  // namespace qasim::workloads::onnx_io
