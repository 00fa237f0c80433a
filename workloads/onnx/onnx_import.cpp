// Import driver: parse the protobuf, walk the nodes in order, finish with qasim's
// metadata and the graph's own consistency checks.
#include "workloads/onnx/onnx_import.h"

#include <fmt/format.h>

#include <climits>
#include <fstream>
#include <sstream>

#include "workloads/errors.h"
#include "workloads/onnx/onnx_importer.h"

namespace qasim::workloads {

namespace onnx_io {

namespace {

const char* const kQonnxDomains[] = {"qonnx.custom_op.general", "finn.custom_op.general",
                                     "onnx.brevitas"};

bool is_default_domain(const std::string& d) {
  return d.empty() || d == "ai.onnx";
}

// The largest model we read: protobuf's own limit is 2 GiB; this keeps a bad path
// (a disk image, /dev/zero) from exhausting memory before we find out.
constexpr std::streamoff kMaxFileBytes = std::streamoff{1} << 30;

}  // namespace

void Importer::fail(const std::string& problem) const {
  throw InputError(m_where, problem);
}

size_t Importer::num_inputs() const {
  return static_cast<size_t>(m_node->input_size());
}

bool Importer::has_input(size_t i) const {
  return i < num_inputs() && !m_node->input(static_cast<int>(i)).empty();
}

const Value* Importer::opt_in(size_t i) const {
  if (!has_input(i)) return nullptr;
  const std::string& name = m_node->input(static_cast<int>(i));
  auto it = m_values.find(name);
  if (it == m_values.end())
    fail(
        fmt::format("input {} '{}' is not produced by an earlier node, an initializer or "
                    "the graph input",
                    i, name));
  return &it->second;
}

const Value& Importer::in(size_t i) const {
  if (!has_input(i)) fail(fmt::format("missing input {}", i));
  return *opt_in(i);
}

int Importer::uses(size_t i) const {
  auto it = m_uses.find(m_node->input(static_cast<int>(i)));
  return it == m_uses.end() ? 0 : it->second;
}

void Importer::out(Value v, size_t i) {
  if (i >= static_cast<size_t>(m_node->output_size()) ||
      m_node->output(static_cast<int>(i)).empty())
    fail(fmt::format("missing output {}", i));
  const std::string& name = m_node->output(static_cast<int>(i));
  if (!m_values.emplace(name, std::move(v)).second)
    fail(fmt::format("output '{}' is defined twice", name));
}

void Importer::expect_inputs(size_t lo, size_t hi) const {
  if (num_inputs() < lo || num_inputs() > hi)
    fail(lo == hi ? fmt::format("has {} inputs, expected {}", num_inputs(), lo)
                  : fmt::format("has {} inputs, expected {} to {}", num_inputs(), lo, hi));
}

void Importer::expect_outputs(size_t n) const {
  for (int i = static_cast<int>(n); i < m_node->output_size(); ++i)
    if (!m_node->output(i).empty())
      fail(fmt::format("output {} '{}' is not supported", i, m_node->output(i)));
}

Attributes Importer::attrs() const {
  return Attributes(*m_node, m_where);
}

int Importer::add_layer(Layer l) {
  l.name = m_node_name;
  m_layer_names.insert(l.name);
  m_graph.layers.push_back(std::move(l));
  m_quantized.push_back(false);
  try {
    m_graph.infer_shapes();
  } catch (const InputError& e) {
    fail(e.problem());
  }
  if (m_graph.layers.back().output_shape.elements() > (int64_t{1} << 30))
    fail("the layer's output has more than 2^30 elements per sample");
  return static_cast<int>(m_graph.layers.size()) - 1;
}

void Importer::set_output_q(int l, const kernels::QuantParams& q, bool replace) {
  if (q.per_channel()) fail("activations must be quantized per tensor");
  try {
    q.validate("output quantization");
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  const size_t i = static_cast<size_t>(l);
  if (!m_quantized[i] || replace) {
    layer(l).output_q = q;
    m_quantized[i] = true;
  } else if (!(layer(l).output_q == q)) {
    fail(fmt::format("layer '{}' is quantized twice with different parameters", layer(l).name));
  }
}

void Importer::check_concat_channels(const std::vector<int>& inputs) const {
  int64_t c = 0;
  for (int in : inputs) c += shape_of(in).c;
  if (c > (int64_t{1} << 24)) fail("the concatenation has more than 2^24 channels");
}

Value Importer::activation_value(ValueKind kind, int l, int rank, bool sole) const {
  Value v;
  v.kind = kind;
  v.layer = l;
  v.rank = rank;
  v.sole = sole;
  if (kind == ValueKind::Quant || kind == ValueKind::Float) v.q = m_graph.layers[l].output_q;
  return v;
}

void Importer::read_metadata(const onnx::ModelProto& model) {
  for (const auto& p : model.metadata_props()) {
    const std::string where = fmt::format("{}, metadata '{}'", m_file, p.key());
    const std::string& key = p.key();
    if (key == kMetaNumerics) {
      m_graph.numerics = numerics_from_json(p.value(), where);
    } else if (key == kMetaNumClasses) {
      m_graph.num_classes = num_classes_from_string(p.value(), where);
    } else if (key == kMetaImplicitNodes) {
      for (std::string& n : names_from_json(p.value(), where)) m_implicit.insert(std::move(n));
    } else if (key.rfind(kMetaLayerPrefix, 0) == 0) {
      m_layer_meta[key.substr(std::string(kMetaLayerPrefix).size())] =
          layer_meta_from_json(p.value(), where);
    }
  }
}

void Importer::read_initializers(const onnx::GraphProto& g) {
  for (int i = 0; i < g.initializer_size(); ++i) {
    const onnx::TensorProto& t = g.initializer(i);
    const std::string where = fmt::format("{}, initializer {} '{}'", m_file, i, t.name());
    if (t.name().empty()) throw InputError(where, "initializer without a name");
    Value v;
    v.c = read_tensor(t, where);
    if (!m_values.emplace(t.name(), std::move(v)).second)
      throw InputError(where, "initializer defined twice");
  }
}

void Importer::read_input(const onnx::GraphProto& g) {
  const onnx::ValueInfoProto* input = nullptr;
  for (const auto& vi : g.input()) {
    if (m_values.count(vi.name())) continue;  // older files list initializers as inputs
    if (input != nullptr)
      throw InputError(fmt::format("{}, graph input '{}'", m_file, vi.name()),
                       "only models with one input are supported");
    input = &vi;
  }
  if (input == nullptr) throw InputError(m_file, "the graph has no input");
  m_where = fmt::format("{}, graph input '{}'", m_file, input->name());
  if (!input->type().has_tensor_type()) fail("the input is not a tensor");
  const auto& tt = input->type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT)
    fail("the input must be float (" + type_name(tt.elem_type()) +
         " inputs carry no scale; quantize a float input with QuantizeLinear)");
  const int rank = tt.shape().dim_size();
  if (rank != 2 && rank != 4) fail(fmt::format("input rank {} unsupported (need 2 or 4)", rank));
  int d[4] = {1, 1, 1, 1};
  for (int k = 1; k < rank; ++k) {
    const auto& dim = tt.shape().dim(k);
    if (!dim.has_dim_value() || dim.dim_value() <= 0 || dim.dim_value() > (1 << 24))
      fail(fmt::format("input dimension {} must be a fixed size in [1, 2^24]", k));
    d[k] = static_cast<int>(dim.dim_value());
  }
  if (int64_t{d[1]} * d[2] * d[3] > (int64_t{1} << 30)) fail("input has more than 2^30 elements");
  Layer l;
  l.kind = OpKind::Input;
  l.output_shape = {d[1], d[2], d[3]};
  m_node_name = input->name().empty() ? "input" : input->name();
  add_layer(std::move(l));
  Value v = activation_value(ValueKind::Pending, 0, rank, true);
  m_values[input->name()] = v;
}

void Importer::count_uses(const onnx::GraphProto& g) {
  for (const auto& n : g.node())
    for (const auto& name : n.input())
      if (!name.empty()) ++m_uses[name];
  for (const auto& o : g.output()) ++m_uses[o.name()];
}

void Importer::on_node(const onnx::NodeProto& node, int index) {
  m_node = &node;
  m_node_index = index;
  const std::string& op = node.op_type();
  m_where = fmt::format("{}, node {} '{}' ({})", m_file, index, node.name(), op);
  m_node_name = node.name().empty() ? fmt::format("{}_{}", op, index) : node.name();
  if (m_layer_names.count(m_node_name)) m_node_name += fmt::format("_{}", index);
  const std::string& d = node.domain();
  if (is_default_domain(d) || d == "com.microsoft") {
    static const std::map<std::string, void (Importer::*)()> ops = {
        {"Constant", &Importer::op_constant},
        {"Identity", &Importer::op_identity},
        {"Cast", &Importer::op_cast},
        {"ConstantOfShape", &Importer::op_constant_of_shape},
        {"QuantizeLinear", &Importer::op_quantize_linear},
        {"DequantizeLinear", &Importer::op_dequantize_linear},
        {"Clip", &Importer::op_clip},
        {"Relu", &Importer::op_relu},
        {"Conv", &Importer::op_conv},
        {"Gemm", &Importer::op_gemm},
        {"MatMul", &Importer::op_matmul},
        {"Add", &Importer::op_add},
        {"BatchNormalization", &Importer::op_batchnorm},
        {"GlobalAveragePool", &Importer::op_global_avg_pool},
        {"Flatten", &Importer::op_flatten},
        {"Reshape", &Importer::op_reshape},
        {"Concat", &Importer::op_concat},
        {"QLinearConv", &Importer::op_qlinear_conv},
        {"QLinearMatMul", &Importer::op_qlinear_matmul},
        {"Mul", &Importer::op_mul},
        {"Div", &Importer::op_div},
    };
    static const std::map<std::string, void (Importer::*)()> ms_ops = {
        {"QLinearAdd", &Importer::op_qlinear_add},
        {"QLinearConcat", &Importer::op_qlinear_concat},
        {"QGemm", &Importer::op_qgemm},
        {"QuantizeLinear", &Importer::op_quantize_linear},
        {"DequantizeLinear", &Importer::op_dequantize_linear},
    };
    const auto& table = is_default_domain(d) ? ops : ms_ops;
    if (auto it = table.find(op); it != table.end()) return (this->*(it->second))();
    if (is_default_domain(d)) {
      if (op == "MaxPool") return op_pool(OpKind::MaxPool);
      if (op == "AveragePool") return op_pool(OpKind::AvgPool);
      if (op == "ConvInteger") return op_integer(true);
      if (op == "MatMulInteger") return op_integer(false);
    } else {
      if (op == "QLinearAveragePool") return op_qlinear_pool(false);
      if (op == "QLinearGlobalAveragePool") return op_qlinear_pool(true);
    }
  }
  for (const char* q : kQonnxDomains) {
    if (d != q) continue;
    if (op == "Quant") return op_qonnx_quant();
    if (op == "BipolarQuant") return op_bipolar_quant();
  }
  if (op == "DynamicQuantizeLinear")
    fail("dynamic quantization is not supported: scales must be constants of the model");
  fail(fmt::format("unsupported operator {}{}", d.empty() ? "" : d + ".", op));
}

void Importer::finish(const onnx::GraphProto& g) {
  if (g.output_size() != 1)
    throw InputError(m_file,
                     fmt::format("the graph has {} outputs; one is supported", g.output_size()));
  m_where = fmt::format("{}, graph output '{}'", m_file, g.output(0).name());
  auto it = m_values.find(g.output(0).name());
  if (it == m_values.end()) fail("no node produces the graph output");
  const Value& v = it->second;
  if (v.kind == ValueKind::Pending && v.layer >= 0)
    fail(fmt::format("the output of layer '{}' is float: it is never quantized",
                     layer(v.layer).name));
  if (v.kind != ValueKind::Quant && v.kind != ValueKind::Float)
    fail("the graph output is not a quantized activation");
  if (static_cast<size_t>(v.layer) + 1 != m_graph.layers.size())
    fail(fmt::format("layer '{}' comes after the output and is not used",
                     m_graph.layers.back().name));
  if (m_graph.layers.size() < 2) fail("the model has no layers");
  for (size_t i = 0; i < m_graph.layers.size(); ++i)
    if (!m_quantized[i])
      fail(fmt::format("the output of layer '{}' is float: it is never quantized",
                       m_graph.layers[i].name));

  for (Layer& l : m_graph.layers) {
    auto meta = m_layer_meta.find(l.name);
    if (meta == m_layer_meta.end()) continue;
    const LayerMeta& m = meta->second;
    m_where = fmt::format("{}, metadata '{}{}'", m_file, kMetaLayerPrefix, l.name);
    if (m.output) apply_scheme(l.output_q, *m.output);
    if (m.weights && l.has_weights()) apply_scheme(l.weight_q, *m.weights);
    if (!m.weight_zero_point.empty() && l.has_weights()) {
      // The container held q - zero_point; restore q.
      if (l.weight_q.zero_point.size() != 1 || l.weight_q.zero_point[0] != 0 ||
          (m.weight_zero_point.size() != 1 &&
           m.weight_zero_point.size() != l.weight_q.scale.size()))
        fail("weight_zero_point does not fit the layer's weights");
      l.weight_q.zero_point = m.weight_zero_point;
      const int64_t per = l.out_channels > 0 ? l.weights.size() / l.out_channels : 0;
      for (int64_t k = 0; k < l.weights.size(); ++k) {
        const int64_t v = int64_t{l.weights[k]} + l.weight_q.zero_point_at(per ? k / per : 0);
        if (v < INT32_MIN || v > INT32_MAX) fail("weight out of range after its zero point");
        l.weights[k] = static_cast<int32_t>(v);
      }
    }
    if (m.activation) {
      if (*m.activation != kernels::Activation::None && l.kind != OpKind::Conv &&
          l.kind != OpKind::FullyConnected && l.kind != OpKind::Add)
        fail("only conv, fc and add layers have a fused activation");
      l.activation = *m.activation;
      l.clip_lo = m.clip_lo;
      l.clip_hi = m.clip_hi;
    }
    l.batchnorm_folded = l.batchnorm_folded || m.batchnorm_folded;
    l.fixed_weights = m.fixed_weights;
  }
  try {
    m_graph.validate();
    m_graph.infer_shapes();
  } catch (const InputError& e) {
    throw InputError(m_file + ", " + e.where(), e.problem());
  }
}

Graph Importer::run(const onnx::ModelProto& model) {
  if (!model.has_graph()) throw InputError(m_file, "not an ONNX model (no graph)");
  for (const auto& o : model.opset_import()) m_opsets[o.domain()] = o.version();
  const onnx::GraphProto& g = model.graph();
  m_graph.name = g.name().empty() ? "onnx" : g.name();
  read_metadata(model);
  read_initializers(g);
  count_uses(g);
  read_input(g);
  for (int i = 0; i < g.node_size(); ++i) on_node(g.node(i), i);
  finish(g);
  return std::move(m_graph);
}

}  // namespace onnx_io

Graph import_onnx_bytes(const void* data, size_t size, const std::string& name) {
  if (size > static_cast<size_t>(INT_MAX))
    throw InputError(name, "larger than the 2 GiB protobuf limit");
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)))
    throw InputError(name,
                     "not an ONNX model: protobuf parsing failed (truncated or corrupt "
                     "file?)");
  return onnx_io::Importer(name).run(model);
}

Graph import_onnx(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path, "cannot open the file");
  f.seekg(0, std::ios::end);
  const std::streamoff size = f.tellg();
  if (size < 0) throw InputError(path, "cannot read the file");
  if (size > onnx_io::kMaxFileBytes) throw InputError(path, "larger than 1 GiB");
  f.seekg(0);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!f.read(bytes.data(), size)) throw InputError(path, "cannot read the file");
  return import_onnx_bytes(bytes.data(), bytes.size(), path);
}

}  // namespace qasim::workloads
