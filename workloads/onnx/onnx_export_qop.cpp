// QOperator export: integer tensors between integer operators, as ONNX Runtime's
// quantize_static(quant_format=QOperator) writes them. Every layer must be uniform 8-bit.
#include <fmt/format.h>

#include "kernels/ops.h"
#include "workloads/errors.h"
#include "workloads/onnx/onnx_writer.h"

namespace qasim::workloads::onnx_io {

using kernels::Activation;
using kernels::QuantParams;
using kernels::Scheme;
using onnx::TensorProto;

namespace {

bool is_uint8_or_int8(const QuantParams& q) {
  return q.scheme == Scheme::Uniform && q.bits == 8;
}

class QopWriter {
 public:
  QopWriter(const Graph& g, ModelWriter& w, ExportNotes& notes)
      : m_g(g), m_w(w), m_notes(notes), m_rank(output_ranks(g)), m_q(g.layers.size()) {}

  void run() {
    for (const Layer& l : m_g.layers) {
      const std::string where = fmt::format("model '{}', layer '{}'", m_g.name, l.name);
      if (!is_uint8_or_int8(l.output_q))
        throw InputError(where, "QOperator export needs uniform 8-bit activations (use QDQ)");
      if (l.has_weights() && !is_uint8_or_int8(l.weight_q))
        throw InputError(where, "QOperator export needs uniform 8-bit weights (use QDQ)");
      if (l.kind == OpKind::AvgPool && (l.geometry.dilation_h != 1 || l.geometry.dilation_w != 1))
        throw InputError(where, "average pooling with dilation cannot be exported");
    }
    m_w.use_domain(kMicrosoftDomain, 1);
    for (size_t i = 0; i < m_g.layers.size(); ++i) layer(i);
    const Layer& last = m_g.output();
    const Params p = params(m_g.layers.size() - 1);
    m_w.node("DequantizeLinear", last.name + "/dequantize", {m_q.back(), p.scale, p.zero_point},
             last.name + "/output_dq");
    auto* out = m_w.graph().add_output();
    out->set_name(last.name + "/output_dq");
    auto* tt = out->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_param("N");
    tt->mutable_shape()->add_dim()->set_dim_value(last.output_shape.c);
    if (m_rank.back() == 4) {
      tt->mutable_shape()->add_dim()->set_dim_value(last.output_shape.h);
      tt->mutable_shape()->add_dim()->set_dim_value(last.output_shape.w);
    }
  }

 private:
  struct Params {
    std::string scale, zero_point;
  };

  // Scale and zero point initializers of layer i's output (written once).
  Params params(size_t i) {
    const Layer& l = m_g.layers[i];
    const std::string p = l.name + "/output";
    if (!m_params.count(i)) {
      const int32_t type = l.output_q.is_signed ? TensorProto::INT8 : TensorProto::UINT8;
      m_params[i] = {m_w.scalar(p + ".scale", TensorProto::FLOAT, l.output_q.scale[0]),
                     m_w.scalar(p + ".zero_point", type, l.output_q.zero_point[0])};
    }
    return m_params[i];
  }

  // Operand k of layer l as (tensor, scale, zero point).
  std::vector<std::string> operand(const Layer& l, size_t k) {
    const size_t src = static_cast<size_t>(l.inputs[k]);
    const Params p = params(src);
    return {m_q[src], p.scale, p.zero_point};
  }

  void layer(size_t i) {
    const Layer& l = m_g.layers[i];
    const std::string out = l.name + "/output_q";
    m_q[i] = out;
    auto cat = [](std::vector<std::string> a, const std::vector<std::string>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    const Params y = params(i);
    const std::string raw = l.activation == Activation::None ? out : l.name + "/output_unclamped";
    switch (l.kind) {
      case OpKind::Input: {
        auto* vi = m_w.graph().add_input();
        vi->set_name(l.name);
        auto* tt = vi->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(TensorProto::FLOAT);
        tt->mutable_shape()->add_dim()->set_dim_param("N");
        for (int d : {l.output_shape.c, l.output_shape.h, l.output_shape.w})
          tt->mutable_shape()->add_dim()->set_dim_value(d);
        m_w.node("QuantizeLinear", l.name + "/quantize", {l.name, y.scale, y.zero_point}, out);
        return;
      }
      case OpKind::Conv: {
        const WeightTensors w = write_weights(m_w, l, m_notes);
        std::vector<std::string> in =
            cat(operand(l, 0), {w.values, w.scale, w.zero_point, y.scale, y.zero_point});
        if (l.has_bias) in.push_back(bias(l));
        auto& n = m_w.node("QLinearConv", l.name, in, raw);
        set_window(n, l.geometry, true);
        ModelWriter::set_int(n, "group", l.geometry.groups);
        break;
      }
      case OpKind::FullyConnected: {
        std::vector<std::string> x = operand(l, 0);
        if (m_rank[static_cast<size_t>(l.inputs[0])] == 4) {
          const std::string name = l.name + "/flatten";
          ModelWriter::set_int(m_w.node("Flatten", name, {x[0]}, name + "_out"), "axis", 1);
          m_notes.implicit_nodes.push_back(name);
          x[0] = name + "_out";
        }
        const WeightTensors w = write_weights(m_w, l, m_notes);
        if (l.has_bias) {
          auto& n =
              m_w.node("QGemm", l.name,
                       cat(x, {w.values, w.scale, w.zero_point, bias(l), y.scale, y.zero_point}),
                       raw, kMicrosoftDomain);
          ModelWriter::set_int(n, "transB", 1);
        } else {
          // QLinearMatMul takes B as [K, N]: write the transpose.
          for (auto& t : *m_w.graph().mutable_initializer())
            if (t.name() == w.values) transpose_initializer(t, l);
          m_w.node("QLinearMatMul", l.name,
                   cat(x, {w.values, w.scale, w.zero_point, y.scale, y.zero_point}), raw);
        }
        break;
      }
      case OpKind::MaxPool:
        set_window(m_w.node("MaxPool", l.name, {operand(l, 0)[0]}, raw), l.geometry, true);
        requantize_if_needed(l, raw);
        return;
      case OpKind::AvgPool: {
        auto& n = m_w.node("QLinearAveragePool", l.name,
                           cat(operand(l, 0), {y.scale, y.zero_point}), raw, kMicrosoftDomain);
        set_window(n, l.geometry, false);
        ModelWriter::set_int(n, "count_include_pad", l.count_include_pad ? 1 : 0);
        break;
      }
      case OpKind::GlobalAvgPool: {
        auto& n = m_w.node("QLinearGlobalAveragePool", l.name,
                           cat(operand(l, 0), {y.scale, y.zero_point}), raw, kMicrosoftDomain);
        ModelWriter::set_int(n, "channels_last", 0);
        break;
      }
      case OpKind::Add:
        m_w.node("QLinearAdd", l.name,
                 cat(cat(operand(l, 0), operand(l, 1)), {y.scale, y.zero_point}), raw,
                 kMicrosoftDomain);
        break;
      case OpKind::Concat: {
        std::vector<std::string> in = {y.scale, y.zero_point};
        for (size_t k = 0; k < l.inputs.size(); ++k) in = cat(in, operand(l, k));
        ModelWriter::set_int(m_w.node("QLinearConcat", l.name, in, raw, kMicrosoftDomain), "axis",
                             1);
        break;
      }
      case OpKind::Flatten:
        ModelWriter::set_int(m_w.node("Flatten", l.name, {operand(l, 0)[0]}, raw), "axis", 1);
        requantize_if_needed(l, raw);
        return;
    }
    if (l.activation != Activation::None) {
      // The fused activation as a clamp of the integers, with the golden reference's bounds.
      const auto [lo, hi] =
          kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
      const int32_t type = l.output_q.is_signed ? TensorProto::INT8 : TensorProto::UINT8;
      m_w.node("Clip", l.name + "/activation",
               {raw, m_w.scalar(l.name + ".act_min", type, lo),
                m_w.scalar(l.name + ".act_max", type, hi)},
               out);
    }
  }

  // Max pooling and flattening keep their input's integers; a different output
  // quantization is a DequantizeLinear -> QuantizeLinear pair after them.
  void requantize_if_needed(const Layer& l, const std::string& raw) {
    const size_t src = static_cast<size_t>(l.inputs[0]);
    const size_t i = static_cast<size_t>(&l - m_g.layers.data());
    if (m_g.layers[src].output_q == l.output_q) {
      m_q[i] = raw;
      return;
    }
    const Params in = params(src), y = params(i);
    m_w.node("DequantizeLinear", l.name + "/dequantize", {raw, in.scale, in.zero_point},
             raw + "_dq");
    m_w.node("QuantizeLinear", l.name + "/requantize", {raw + "_dq", y.scale, y.zero_point},
             l.name + "/output_q");
  }

  std::string bias(const Layer& l) {
    return m_w.constant(l.name + ".bias_q", TensorProto::INT32,
                        {static_cast<int64_t>(l.bias.size())},
                        std::vector<double>(l.bias.begin(), l.bias.end()));
  }

  static void transpose_initializer(onnx::TensorProto& t, const Layer& l) {
    const int64_t n = l.weights.dim(0), k = l.weights.dim(1);
    std::string raw(t.raw_data().size(), '\0');
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < k; ++c)
        raw[static_cast<size_t>(c * n + r)] = t.raw_data()[static_cast<size_t>(r * k + c)];
    t.set_raw_data(raw);
    t.set_dims(0, k);
    t.set_dims(1, n);
  }

  const Graph& m_g;
  ModelWriter& m_w;
  ExportNotes& m_notes;
  std::vector<int> m_rank;
  std::vector<std::string> m_q;  // per layer: its integer output tensor
  std::map<size_t, Params> m_params;
};

}  // namespace

void export_qoperator(const Graph& g, ModelWriter& w, ExportNotes& notes) {
  QopWriter(g, w, notes).run();
}

}  // namespace qasim::workloads::onnx_io
