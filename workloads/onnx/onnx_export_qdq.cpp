// QDQ export: every layer as its standard float operator between DequantizeLinear'd
// inputs and a QuantizeLinear (+ Clip below 8 bits) + DequantizeLinear of its output.
#include <fmt/format.h>

#include "workloads/errors.h"
#include "workloads/onnx/onnx_writer.h"

namespace qasim::workloads::onnx_io {

using kernels::Activation;
using kernels::QuantParams;
using kernels::Scheme;
using onnx::TensorProto;

namespace {

class QdqWriter {
 public:
  QdqWriter(const Graph& g, ModelWriter& w, ExportNotes& notes)
      : m_g(g), m_w(w), m_notes(notes), m_rank(output_ranks(g)), m_dq(g.layers.size()) {}

  void run() {
    for (size_t i = 0; i < m_g.layers.size(); ++i) layer(i);
    auto* out = m_w.graph().add_output();
    out->set_name(m_dq.back());
    auto* tt = out->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(TensorProto::FLOAT);
    const Shape3 s = m_g.output().output_shape;
    tt->mutable_shape()->add_dim()->set_dim_param("N");
    tt->mutable_shape()->add_dim()->set_dim_value(s.c);
    if (m_rank.back() == 4) {
      tt->mutable_shape()->add_dim()->set_dim_value(s.h);
      tt->mutable_shape()->add_dim()->set_dim_value(s.w);
    }
  }

 private:
  const std::string& in(const Layer& l, size_t k) const {
    return m_dq[static_cast<size_t>(l.inputs[k])];
  }

  void layer(size_t i) {
    const Layer& l = m_g.layers[i];
    const std::string out = l.name + "/out";
    switch (l.kind) {
      case OpKind::Input: {
        auto* vi = m_w.graph().add_input();
        vi->set_name(l.name);
        auto* tt = vi->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(TensorProto::FLOAT);
        tt->mutable_shape()->add_dim()->set_dim_param("N");
        for (int d : {l.output_shape.c, l.output_shape.h, l.output_shape.w})
          tt->mutable_shape()->add_dim()->set_dim_value(d);
        return quantize(i, l.name);
      }
      case OpKind::Conv: {
        auto& n = m_w.node("Conv", l.name, weighted_inputs(l, 0), out);
        set_window(n, l.geometry, true);
        ModelWriter::set_int(n, "group", l.geometry.groups);
        return quantize(i, activation(l, out));
      }
      case OpKind::FullyConnected: {
        auto& n = m_w.node("Gemm", l.name, weighted_inputs(l, 0), out);
        ModelWriter::set_int(n, "transB", 1);
        return quantize(i, activation(l, out));
      }
      case OpKind::MaxPool:
        set_window(m_w.node("MaxPool", l.name, {in(l, 0)}, out), l.geometry, true);
        break;
      case OpKind::AvgPool: {
        if (l.geometry.dilation_h != 1 || l.geometry.dilation_w != 1)
          throw InputError(fmt::format("model '{}', layer '{}'", m_g.name, l.name),
                           "average pooling with dilation cannot be exported");
        auto& n = m_w.node("AveragePool", l.name, {in(l, 0)}, out);
        set_window(n, l.geometry, false);
        ModelWriter::set_int(n, "count_include_pad", l.count_include_pad ? 1 : 0);
        break;
      }
      case OpKind::GlobalAvgPool:
        m_w.node("GlobalAveragePool", l.name, {in(l, 0)}, out);
        break;
      case OpKind::Add:
        m_w.node("Add", l.name, {in(l, 0), in(l, 1)}, out);
        return quantize(i, activation(l, out));
      case OpKind::Concat: {
        std::vector<std::string> inputs;
        for (size_t k = 0; k < l.inputs.size(); ++k) inputs.push_back(in(l, k));
        ModelWriter::set_int(m_w.node("Concat", l.name, inputs, out), "axis", 1);
        break;
      }
      case OpKind::Flatten:
        ModelWriter::set_int(m_w.node("Flatten", l.name, {in(l, 0)}, out), "axis", 1);
        break;
    }
    quantize(i, out);
  }

  // X (flattened for a Gemm on a 4-D input), dequantized weights, dequantized bias.
  std::vector<std::string> weighted_inputs(const Layer& l, size_t k) {
    std::string x = in(l, k);
    if (l.kind == OpKind::FullyConnected && m_rank[static_cast<size_t>(l.inputs[k])] == 4) {
      const std::string name = l.name + "/flatten";
      ModelWriter::set_int(m_w.node("Flatten", name, {x}, name + "_out"), "axis", 1);
      m_notes.implicit_nodes.push_back(name);
      x = name + "_out";
    }
    const WeightTensors wt = write_weights(m_w, l, m_notes);
    std::vector<std::string> w_in = {wt.values, wt.scale};
    const QuantParams& wq = l.weight_q;
    if (wq.scheme == Scheme::Uniform && wq.bits < 8 && wt.type != TensorProto::INT32) {
      // As for activations, a Clip of the integers states the width (ONNX Runtime folds it).
      m_w.node("Clip", l.name + "/weight_clip",
               {wt.values, m_w.scalar(l.name + ".weight_qmin", wt.type, wq.qmin()),
                m_w.scalar(l.name + ".weight_qmax", wt.type, wq.qmax())},
               l.name + ".weight_clipped");
      w_in[0] = l.name + ".weight_clipped";
    }
    if (!wt.zero_point.empty()) w_in.push_back(wt.zero_point);
    auto& dq = m_w.node("DequantizeLinear", l.name + "/weight_dq", w_in, l.name + ".weight");
    ModelWriter::set_int(dq, "axis", 0);
    std::vector<std::string> inputs = {x, l.name + ".weight"};
    if (l.has_bias) {
      const QuantParams& xq = m_g.layers[static_cast<size_t>(l.inputs[k])].output_q;
      std::vector<double> scales, values(l.bias.begin(), l.bias.end());
      for (size_t c = 0; c < l.bias.size(); ++c)  // float32 product, as ONNX Runtime forms it
        scales.push_back(xq.scale[0] * l.weight_q.scale_at(static_cast<int64_t>(c)));
      const kernels::Dims dims = {static_cast<int64_t>(l.bias.size())};
      m_w.constant(l.name + ".bias_q", TensorProto::INT32, dims, values);
      m_w.constant(l.name + ".bias_scale", TensorProto::FLOAT, dims, scales);
      auto& b = m_w.node("DequantizeLinear", l.name + "/bias_dq",
                         {l.name + ".bias_q", l.name + ".bias_scale"}, l.name + ".bias");
      ModelWriter::set_int(b, "axis", 0);
      inputs.push_back(l.name + ".bias");
    }
    return inputs;
  }

  // The fused activation as a float Relu / Clip; returns the tensor to quantize.
  std::string activation(const Layer& l, const std::string& x) {
    if (l.activation == Activation::None) return x;
    const std::string out = l.name + "/act";
    if (l.activation == Activation::Relu) {
      m_w.node("Relu", l.name + "/relu", {x}, out);
      return out;
    }
    const float lo = l.activation == Activation::Relu6 ? 0.f : l.clip_lo;
    const float hi = l.activation == Activation::Relu6 ? 6.f : l.clip_hi;
    m_w.node("Clip", l.name + "/clip",
             {x, m_w.scalar(l.name + ".clip_min", TensorProto::FLOAT, lo),
              m_w.scalar(l.name + ".clip_max", TensorProto::FLOAT, hi)},
             out);
    return out;
  }

  // Quantizes layer i's float output `x`; m_dq[i] becomes its dequantized view.
  void quantize(size_t i, const std::string& x) {
    const Layer& l = m_g.layers[i];
    const QuantParams& q = l.output_q;
    const std::string p = l.name + "/output";
    m_dq[i] = p + "_dq";
    if (q.scheme == Scheme::Binary) {
      m_w.use_domain(kQonnxDomain, 1);
      m_w.node("BipolarQuant", p + "_quant",
               {x, m_w.scalar(p + ".scale", TensorProto::FLOAT, q.scale[0])}, m_dq[i],
               kQonnxDomain);
      return;
    }
    if (q.scheme == Scheme::Uniform && q.bits <= 8) {
      const int32_t type = q.is_signed ? TensorProto::INT8 : TensorProto::UINT8;
      const std::string s = m_w.scalar(p + ".scale", TensorProto::FLOAT, q.scale[0]);
      const std::string z = m_w.scalar(p + ".zero_point", type, q.zero_point[0]);
      std::string qx = p + "_q";
      m_w.node("QuantizeLinear", p + "_quantize", {x, s, z}, qx);
      if (q.bits < 8) {  // QCDQ: the Clip says the bit width
        m_w.node(
            "Clip", p + "_clip",
            {qx, m_w.scalar(p + ".qmin", type, q.qmin()), m_w.scalar(p + ".qmax", type, q.qmax())},
            p + "_qclip");
        qx = p + "_qclip";
      }
      m_w.node("DequantizeLinear", p + "_dequantize", {qx, s, z}, m_dq[i]);
      return;
    }
    // Wider or non-uniform: a QONNX Quant over the integer range (the exact scheme is in
    // the metadata).
    m_w.use_domain(kQonnxDomain, 1);
    int bits = q.bits;
    const bool is_signed = q.qmin() < 0;
    while (bits < 16 &&
           (is_signed ? (q.qmin() < -(1 << (bits - 1)) || q.qmax() > (1 << (bits - 1)) - 1)
                      : q.qmax() > (1 << bits) - 1))
      ++bits;
    auto& n = m_w.node("Quant", p + "_quant",
                       {x, m_w.scalar(p + ".scale", TensorProto::FLOAT, q.scale[0]),
                        m_w.scalar(p + ".zero_point", TensorProto::FLOAT, q.zero_point[0]),
                        m_w.scalar(p + ".bit_width", TensorProto::FLOAT, bits)},
                       m_dq[i], kQonnxDomain);
    ModelWriter::set_int(n, "signed", is_signed ? 1 : 0);
    ModelWriter::set_int(n, "narrow", 0);
    ModelWriter::set_string(n, "rounding_mode", "ROUND");
  }

  const Graph& m_g;
  ModelWriter& m_w;
  ExportNotes& m_notes;
  std::vector<int> m_rank;
  std::vector<std::string> m_dq;  // per layer: its dequantized output tensor
};

}  // namespace

void export_qdq(const Graph& g, ModelWriter& w, ExportNotes& notes) {
  QdqWriter(g, w, notes).run();
}

}  // namespace qasim::workloads::onnx_io
