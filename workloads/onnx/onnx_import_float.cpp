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
  // A constant added to a fresh conv / fc output is its bias (MatMul + Add).
  if (a.is_const() != b.is_const()) {
    const size_t act = a.is_const() ? 1 : 0;
    const Value& x = in(act);
    const Value& c = in(1 - act);
    if (x.kind != ValueKind::Pending || x.layer <= 0 || uses(act) != 1 || !x.sole)
      fail("adds a constant to something other than a fresh conv / fc output");
    Layer& l = layer(x.layer);
    if ((l.kind != OpKind::Conv && l.kind != OpKind::FullyConnected) || l.has_bias ||
        l.activation != kernels::Activation::None || m_quantized[static_cast<size_t>(x.layer)])
      fail("adds a constant to a layer that already has a bias or an activation");
    const float in_scale = layer(l.inputs[0]).output_q.scale[0];
    l.bias = quantize_bias(&c, in_scale, l);
    l.has_bias = true;
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
  const float eps = a.get_float("epsilon", 1e-5f);
  const Value& x = in(0);
  if (x.kind != ValueKind::Pending || x.layer <= 0 || uses(0) != 1 || !x.sole ||
      m_quantized[static_cast<size_t>(x.layer)])
    fail("BatchNormalization must directly follow a conv or fc (it is folded into it)");
  Layer& l = layer(x.layer);
  if ((l.kind != OpKind::Conv && l.kind != OpKind::FullyConnected) ||
      l.activation != kernels::Activation::None)
    fail("BatchNormalization must directly follow a conv or fc (it is folded into it)");
  const size_t oc = static_cast<size_t>(l.out_channels);
  const ConstTensor* p[4];
  const char* names[4] = {"scale", "B", "mean", "var"};
  for (size_t i = 0; i < 4; ++i) {
    p[i] = &const_in(i + 1, names[i]);
    if (p[i]->values.size() != oc || p[i]->is_integer())
      fail(fmt::format("{} must be {} floats", names[i], oc));
  }
  // w * k with k = gamma / sqrt(var + eps) per channel: the integers stay, the channel's
  // scale absorbs |k|, a negative k negates the channel around its zero point.
  const float in_scale = layer(l.inputs[0]).output_q.scale[0];
  QuantParams wq = l.weight_q;
  std::vector<float> scales(oc);
  std::vector<int32_t> zps(oc);
  const int64_t per = l.weights.size() / static_cast<int64_t>(oc);
  std::vector<double> bias_real(oc);
  for (size_t c = 0; c < oc; ++c) {
    const double var = p[3]->values[c] + eps;
    const double k = p[0]->values[c] / std::sqrt(var);
    if (!(var > 0) || !std::isfinite(k) || k == 0)
      fail(fmt::format("channel {}: BatchNorm scale is zero or not finite", c));
    const int64_t ch = static_cast<int64_t>(c);
    const double old_scale = wq.scale_at(ch);
    scales[c] = to_float(old_scale * std::fabs(k));
    if (!(scales[c] > 0.f) || !std::isfinite(scales[c]))
      fail(fmt::format("channel {}: folded weight scale is not representable", c));
    zps[c] = wq.zero_point_at(ch);
    const double b = l.has_bias ? static_cast<double>(l.bias[c]) * in_scale * old_scale : 0.0;
    bias_real[c] = (b - p[2]->values[c]) * k + p[1]->values[c];
    if (k < 0) {
      for (int64_t i = 0; i < per; ++i) {
        int32_t& w = l.weights[ch * per + i];
        const int64_t neg = 2 * int64_t{zps[c]} - w;
        if (neg < wq.qmin() || neg > wq.qmax())
          fail(
              fmt::format("channel {}: a negative BatchNorm scale cannot be folded (weight {} "
                          "has no negation in range)",
                          c, w));
        w = static_cast<int32_t>(neg);
      }
    }
  }
  l.weight_q.scale = scales;
  if (wq.zero_point.size() == 1) l.weight_q.zero_point = {wq.zero_point[0]};
  l.weight_q.axis = 0;
  l.bias.assign(oc, 0);
  for (size_t c = 0; c < oc; ++c) {
    const double acc_scale = static_cast<double>(in_scale * scales[c]);
    const double v = std::nearbyint(bias_real[c] / acc_scale);
    if (!(std::fabs(v) < 2147483647.0)) fail(fmt::format("channel {}: folded bias overflows", c));
    l.bias[c] = static_cast<int32_t>(v);
  }
  l.has_bias = true;
  l.batchnorm_folded = true;
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
  const Value& x = in(0);
  const bool integer = x.kind == ValueKind::Quant && kind == OpKind::MaxPool;
  if (integer)
    int_activation(0, 4);
  else
    float_activation(0, 4);
  Layer l;
  l.kind = kind;
  l.inputs = {x.layer};
  l.geometry = geometry(a, shape_of(x.layer), 1, 1, false);
  l.count_include_pad = a.get_int("count_include_pad", 0, 0, 1) == 1;
  const int id = add_layer(std::move(l));
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
  const int id = add_layer(std::move(l));
  out(activation_value(ValueKind::Pending, id, 4, true));
}

void Importer::op_flatten() {
  expect_inputs(1, 1);
  expect_outputs(1);
  if (attrs().get_int("axis", 1, -4, 4) != 1 && attrs().get_int("axis", 1, -4, 4) != -3)
    fail("only Flatten(axis=1) is supported");
  const Value& x = in(0);
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
  if (x.kind != ValueKind::Quant) float_activation(0, 0);
  const ConstTensor& shape = const_in(1, "shape");
  const int64_t elements = shape_of(x.layer).elements();
  // Only the reshape that flattens to [N, C*H*W] (0 or -1 or 1 for the batch).
  const bool flattens =
      shape.values.size() == 2 &&
      (shape.values[0] == 0 || shape.values[0] == -1 || shape.values[0] == 1) &&
      (shape.values[1] == -1 || shape.values[1] == static_cast<double>(elements)) &&
      !(shape.values[0] == -1 && shape.values[1] == -1);
  if (!flattens) fail("only a Reshape to [N, C*H*W] (a flatten) is supported");
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
