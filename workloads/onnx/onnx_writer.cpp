#include "workloads/onnx/onnx_writer.h"

#include <algorithm>

#include "workloads/onnx/onnx_tensor.h"

namespace qasim::workloads::onnx_io {

using onnx::TensorProto;

std::string ModelWriter::constant(const std::string& name, int32_t type, const kernels::Dims& dims,
                                  const std::vector<double>& values) {
  fill_tensor(*m_graph.add_initializer(), name, type, dims, values);
  return name;
}

onnx::NodeProto& ModelWriter::node(const std::string& op, const std::string& name,
                                   const std::vector<std::string>& inputs,
                                   const std::string& output, const std::string& domain) {
  onnx::NodeProto& n = *m_graph.add_node();
  n.set_op_type(op);
  n.set_name(name);
  if (!domain.empty()) n.set_domain(domain);
  for (const std::string& i : inputs) n.add_input(i);
  n.add_output(output);
  return n;
}

void ModelWriter::use_domain(const std::string& domain, int version) {
  for (const auto& o : m_model.opset_import())
    if (o.domain() == domain) return;
  auto* o = m_model.add_opset_import();
  o->set_domain(domain);
  o->set_version(version);
}

void ModelWriter::set_int(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void ModelWriter::set_ints(onnx::NodeProto& n, const std::string& name,
                           const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void ModelWriter::set_string(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

int32_t container_for(const kernels::QuantParams& q) {
  int64_t lo = q.qmin(), hi = q.qmax();
  for (int32_t z : q.zero_point) lo = std::min<int64_t>(lo, z), hi = std::max<int64_t>(hi, z);
  const bool fits_s8 = lo >= -128 && hi <= 127, fits_u8 = lo >= 0 && hi <= 255;
  if (fits_u8 && (!q.is_signed || !fits_s8)) return TensorProto::UINT8;
  if (fits_s8) return TensorProto::INT8;
  return TensorProto::INT32;
}

WeightTensors write_weights(ModelWriter& w, const Layer& l, ExportNotes& notes) {
  const kernels::QuantParams& q = l.weight_q;
  WeightTensors t;
  t.type = container_for(q);
  const int64_t oc = l.out_channels;
  const int64_t per = oc > 0 ? l.weights.size() / oc : 0;
  const bool shifted = t.type == TensorProto::INT32;  // DequantizeLinear(int32) has no zero point
  std::vector<double> values(static_cast<size_t>(l.weights.size()));
  for (int64_t k = 0; k < l.weights.size(); ++k)
    values[static_cast<size_t>(k)] =
        l.weights[k] - (shifted ? q.zero_point_at(per > 0 ? k / per : 0) : 0);
  t.values = w.constant(l.name + ".weight_q", t.type, l.weights.dims(), values);
  const kernels::Dims scale_dims = q.per_channel() ? kernels::Dims{oc} : kernels::Dims{};
  t.scale = w.constant(l.name + ".weight_scale", TensorProto::FLOAT, scale_dims,
                       std::vector<double>(q.scale.begin(), q.scale.end()));
  if (shifted) {
    if (std::any_of(q.zero_point.begin(), q.zero_point.end(), [](int32_t z) { return z != 0; }))
      notes.weight_zero_points[l.name] = q.zero_point;
    return t;
  }
  std::vector<double> zps;
  for (size_t c = 0; c < q.scale.size(); ++c)
    zps.push_back(q.zero_point_at(static_cast<int64_t>(c)));
  t.zero_point = w.constant(l.name + ".weight_zero_point", t.type, scale_dims, zps);
  return t;
}

std::vector<int> output_ranks(const Graph& g) {
  std::vector<int> rank(g.layers.size(), 4);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    switch (l.kind) {
      case OpKind::FullyConnected:
      case OpKind::Flatten:
        rank[i] = 2;
        break;
      case OpKind::Add:
      case OpKind::Concat:
        rank[i] = rank[static_cast<size_t>(l.inputs[0])];
        break;
      default:
        rank[i] = 4;
        break;
    }
  }
  return rank;
}

void set_window(onnx::NodeProto& n, const kernels::ConvGeometry& g, bool with_dilations) {
  ModelWriter::set_ints(n, "kernel_shape", {g.kernel_h, g.kernel_w});
  ModelWriter::set_ints(n, "strides", {g.stride_h, g.stride_w});
  ModelWriter::set_ints(n, "pads", {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right});
  if (with_dilations) ModelWriter::set_ints(n, "dilations", {g.dilation_h, g.dilation_w});
}

}  // namespace qasim::workloads::onnx_io
