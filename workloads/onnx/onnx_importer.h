// Internal to the ONNX importer: the state of one import and the per-operator handlers
// (split over onnx_import_*.cpp by family: quantize/dequantize and constants, float ops
// in QDQ form, QOperator ops, QONNX ops).
//
// The importer walks the nodes in file order and tracks what each ONNX value *is* for
// the integer graph: a constant, a layer's float output waiting for its QuantizeLinear,
// a layer's integer output, its dequantized view, or integer accumulators. A float
// activation may only feed an operator once it has been quantized and dequantized,
// which is what makes every layer of the result an integer layer.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernels/quant.h"
#include "workloads/graph.h"
#include "workloads/onnx/onnx_attributes.h"
#include "workloads/onnx/onnx_metadata.h"
#include "workloads/onnx/onnx_tensor.h"

namespace qasim::workloads::onnx_io {

enum class ValueKind {
  Const,     // initializer, Constant node, or folded from constants
  QConst,    // integers of a constant quantized by QuantizeLinear (c: integers, q: params)
  DQConst,   // dequantized constant integers (weights, bias): real = scale * (c - zp)
  Pending,   // float output of `layer` before its output quantization
  Quant,     // integer activation of `layer` (params q)
  Float,     // dequantized activation of `layer` (params q)
  Acc,       // int32 accumulators of `layer` (ConvInteger / MatMulInteger)
  AccFloat,  // those accumulators cast to float, not yet scaled
};

struct Value {
  ValueKind kind = ValueKind::Const;
  ConstTensor c;
  kernels::QuantParams q;
  int layer = -1;
  int rank = 4;  // activations: 4 (NCHW) or 2 (NC)
  // Every consumer of the layer's output so far reads it through this value, so the
  // layer may still be changed (fused activation, narrowed range) from here.
  bool sole = false;
  int narrowed_bits = 0;  // Const: an integer Clip to this many bits preceded DequantizeLinear

  bool is_const() const {
    return kind == ValueKind::Const || kind == ValueKind::QConst || kind == ValueKind::DQConst;
  }
};

class Importer {
 public:
  explicit Importer(std::string file) : m_file(std::move(file)) {}
  Graph run(const onnx::ModelProto& model);

 private:
  // --- graph-level steps (onnx_import.cpp)
  void read_metadata(const onnx::ModelProto& model);
  void read_initializers(const onnx::GraphProto& g);
  void read_input(const onnx::GraphProto& g);
  void count_uses(const onnx::GraphProto& g);
  void on_node(const onnx::NodeProto& node, int index);
  void finish(const onnx::GraphProto& g);

  // --- node plumbing (onnx_import.cpp)
  [[noreturn]] void fail(const std::string& problem) const;
  size_t num_inputs() const;
  bool has_input(size_t i) const;
  const Value& in(size_t i) const;  // required input, defined earlier
  const Value* opt_in(size_t i) const;
  int uses(size_t i) const;  // number of node inputs that read input i's value
  void out(Value v, size_t i = 0);
  void expect_inputs(size_t lo, size_t hi) const;
  void expect_outputs(size_t n) const;
  onnx_io::Attributes attrs() const;
  int add_layer(Layer l);
  Layer& layer(int i) { return m_graph.layers[static_cast<size_t>(i)]; }
  Shape3 shape_of(int l) const { return m_graph.layers[static_cast<size_t>(l)].output_shape; }
  // Gives `l` its output quantization, or checks it against the one already given
  // (`replace`: overrides it, for a max pool / flatten that requantizes).
  void set_output_q(int l, const kernels::QuantParams& q, bool replace = false);
  // Concatenated channels must stay far from int overflow in the IR's shapes.
  void check_concat_channels(const std::vector<int>& inputs) const;
  Value activation_value(ValueKind kind, int l, int rank, bool sole) const;

  // --- shared helpers (onnx_import_qdq.cpp)
  const ConstTensor& const_in(size_t i, const char* what) const;
  // Scale / zero point inputs of a *Linear node for a tensor of integer `type`, along
  // `axis` (already normalised; -1 when the tensor's rank is unknown).
  kernels::QuantParams linear_params(size_t scale_i, size_t zp_i, int32_t type, int axis,
                                     const char* what) const;
  kernels::QuantParams activation_params(size_t scale_i, size_t zp_i, int32_t type,
                                         const char* what) const;
  // QDQ operand. An average pool's output that no QuantizeLinear follows keeps its
  // input's quantization (what PyTorch's quantized pooling does).
  Value float_activation(size_t i, int rank);
  const Value& int_activation(size_t i, int rank) const;  // QOperator operand
  // Weights of a conv / fc from a dequantized constant; `axis` is the output-channel axis.
  void take_weights(Layer& l, const Value& w, int oc_axis, bool transpose) const;
  std::vector<int32_t> quantize_bias(const Value* b, float in_scale, const Layer& l) const;
  kernels::ConvGeometry geometry(const onnx_io::Attributes& a, Shape3 in, int kh, int kw,
                                 bool is_conv) const;
  // Per-channel values of a constant broadcast against a [N, C, H, W] (rank 4) or [N, C]
  // (rank 2) tensor: one value, or C along the channel axis.
  std::vector<double> channel_values(const ConstTensor& c, int rank, int channels) const;
  // The fresh conv / fc output that an elementwise constant operation folds into.
  const Value& foldable(size_t i, const char* what) const;
  // y -> k[c] * y + add[c] folded into the weights' scales (|k|), their signs and the bias.
  void fold_affine(int l, const std::vector<double>& k, const std::vector<double>& add);
  // Merges a real-valued clamp [lo, hi] into the fused activation of layer `l`.
  void fuse_clamp(int l, float lo, float hi);
  bool can_fuse(int l) const;
  int weight_bits_of(int32_t type) const;

  // --- operators: constants, Q/DQ, activations (onnx_import_qdq.cpp)
  void op_constant();
  void op_identity();
  void op_cast();
  void op_constant_of_shape();
  void op_quantize_linear();
  void op_dequantize_linear();
  void op_clip();
  void op_relu();
  // --- operators in QDQ form (onnx_import_float.cpp)
  void op_conv();
  void op_gemm();
  void op_matmul();
  void op_add();
  void op_batchnorm();
  void op_pool(OpKind kind);
  void op_global_avg_pool();
  void op_flatten();
  void flatten_pending(const Value& x);
  void op_reshape();
  void op_concat();
  // --- QOperator (onnx_import_qop.cpp)
  void op_qlinear_conv();
  void op_qlinear_matmul();
  void op_qgemm();
  void op_integer(bool conv);
  void op_mul();
  void op_div();
  void op_qlinear_add();
  void op_qlinear_pool(bool global);
  void op_qlinear_concat();
  // --- QONNX (onnx_import_qonnx.cpp)
  void op_qonnx_quant();
  void op_bipolar_quant();

  std::string m_file;
  Graph m_graph;
  std::vector<bool> m_quantized;  // per layer: output_q is known
  std::map<std::string, Value> m_values;
  std::map<std::string, int> m_uses;
  std::set<std::string> m_implicit;  // nodes the exporter added (from metadata)
  std::map<std::string, LayerMeta> m_layer_meta;
  std::set<std::string> m_layer_names;
  std::map<std::string, int64_t> m_opsets;  // domain -> version

  const onnx::NodeProto* m_node = nullptr;
  int m_node_index = -1;
  std::string m_where;      // file and node, for errors
  std::string m_node_name;  // unique layer name for a layer this node creates
};

}  // namespace qasim::workloads::onnx_io
