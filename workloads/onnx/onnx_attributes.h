// Reads one node's attributes with their type and range checked, so a malformed file
// becomes an InputError naming the node instead of a wrong number deep in the importer.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace qasim::workloads::onnx_io {

class Attributes {
 public:
  Attributes(const onnx::NodeProto& node, std::string where);

  bool has(const std::string& name) const { return find(name) != nullptr; }
  int64_t get_int(const std::string& name, int64_t fallback, int64_t lo, int64_t hi) const;
  // Every element in [lo, hi]; `count` > 0 demands exactly that many elements.
  std::vector<int64_t> get_ints(const std::string& name, std::vector<int64_t> fallback, int64_t lo,
                                int64_t hi, size_t count = 0) const;
  float get_float(const std::string& name, float fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  const onnx::TensorProto* get_tensor(const std::string& name) const;
  // Throws InputError for any attribute not in `known` (an attribute we would ignore
  // could change the meaning of the node).
  void allow_only(const std::vector<std::string>& known) const;

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::AttributeProto* find_typed(const std::string& name,
                                         onnx::AttributeProto::AttributeType type) const;
  const onnx::NodeProto& m_node;
  std::string m_where;
};

}  // namespace qasim::workloads::onnx_io
