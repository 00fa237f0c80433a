// Constant tensors of an ONNX file (initializers, Constant nodes, test vectors) read into
// one plain form, with every size and index the file claims checked before it is used.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/tensor.h"

namespace qasim::workloads::onnx_io {

// Largest constant we accept: bounds memory whatever dims a (possibly hostile) file claims.
inline constexpr int64_t kMaxConstElements = int64_t{1} << 28;

struct ConstTensor {
  kernels::Dims dims;
  int32_t type = onnx::TensorProto::FLOAT;  // onnx::TensorProto::DataType
  // Every supported element type converts to double exactly (integers up to 2^53).
  std::vector<double> values;

  int64_t size() const { return static_cast<int64_t>(values.size()); }
  bool is_integer() const;
  bool is_scalar() const { return values.size() == 1; }
};

std::string type_name(int32_t type);
bool is_integer_type(int32_t type);
// Range of an integer element type; throws std::invalid_argument for other types.
void integer_type_range(int32_t type, int64_t& lo, int64_t& hi);

// Reads a TensorProto (raw_data or the typed fields). Throws InputError(where, ...) for
// external data, unsupported types, negative or oversized dims, or data that does not
// match the dims.
ConstTensor read_tensor(const onnx::TensorProto& t, const std::string& where);

// Values as int32 / float, checking that each is an integer in range (throws InputError).
std::vector<int32_t> to_int32(const ConstTensor& t, const std::string& where,
                              const std::string& what);
std::vector<float> to_float(const ConstTensor& t);
// double -> float that saturates to +-infinity (a plain cast of an out-of-range double is
// undefined behaviour; callers reject the infinities).
float to_float(double v);

// Fills `t` (name, type, dims, raw little-endian data) for the exporter.
void fill_tensor(onnx::TensorProto& t, const std::string& name, int32_t type,
                 const kernels::Dims& dims, const std::vector<double>& values);

}  // namespace qasim::workloads::onnx_io
