// Internal to the ONNX exporter: a small builder over ModelProto, and the pieces both
// export formats share (weight containers, per-layer ranks, what goes to metadata).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernels/quant.h"
#include "workloads/graph.h"

namespace qasim::workloads::onnx_io {

inline constexpr const char* kQonnxDomain = "qonnx.custom_op.general";
inline constexpr const char* kMicrosoftDomain = "com.microsoft";
inline constexpr int kOpset = 13;

class ModelWriter {
 public:
  explicit ModelWriter(onnx::ModelProto& model) : m_model(model), m_graph(*model.mutable_graph()) {}

  // Adds an initializer and returns its name.
  std::string constant(const std::string& name, int32_t type, const kernels::Dims& dims,
                       const std::vector<double>& values);
  std::string scalar(const std::string& name, int32_t type, double value) {
    return constant(name, type, {}, {value});
  }
  onnx::NodeProto& node(const std::string& op, const std::string& name,
                        const std::vector<std::string>& inputs, const std::string& output,
                        const std::string& domain = "");
  void use_domain(const std::string& domain, int version);
  onnx::GraphProto& graph() { return m_graph; }

  static void set_int(onnx::NodeProto& n, const std::string& name, int64_t v);
  static void set_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
  static void set_string(onnx::NodeProto& n, const std::string& name, const std::string& v);

 private:
  onnx::ModelProto& m_model;
  onnx::GraphProto& m_graph;
};

// What the exporter learns on the way that goes into metadata.
struct ExportNotes {
  std::vector<std::string> implicit_nodes;  // nodes that are not layers (Gemm's flatten)
  std::map<std::string, std::vector<int32_t>> weight_zero_points;  // stored as q - zp
};

struct WeightTensors {
  std::string values, scale, zero_point;  // zero_point empty: none (int32 container)
  int32_t type = 0;
};

// Integer type that holds every value of a tensor with range [lo, hi] and zero points
// `zps`: int8 or uint8 (preferring the quantization's own signedness), else int32.
int32_t container_for(const kernels::QuantParams& q);
// The layer's weights as an initializer with scale and zero point initializers.
WeightTensors write_weights(ModelWriter& w, const Layer& l, ExportNotes& notes);
// Rank of each layer's output tensor in the exported model (4: NCHW, 2: NC).
std::vector<int> output_ranks(const Graph& g);
// Conv / pool attributes from the geometry.
void set_window(onnx::NodeProto& n, const kernels::ConvGeometry& g, bool with_dilations);

void export_qdq(const Graph& g, ModelWriter& w, ExportNotes& notes);
void export_qoperator(const Graph& g, ModelWriter& w, ExportNotes& notes);

}  // namespace qasim::workloads::onnx_io
