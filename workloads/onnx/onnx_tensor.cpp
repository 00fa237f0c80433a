#include "workloads/onnx/onnx_tensor.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "workloads/errors.h"

namespace qasim::workloads::onnx_io {

using onnx::TensorProto;

namespace {

// Bytes per element in raw_data; 0 for types we do not read.
size_t element_bytes(int32_t type) {
  switch (type) {
    case TensorProto::UINT8:
    case TensorProto::INT8:
    case TensorProto::BOOL:
      return 1;
    case TensorProto::UINT16:
    case TensorProto::INT16:
      return 2;
    case TensorProto::FLOAT:
    case TensorProto::INT32:
    case TensorProto::UINT32:
      return 4;
    case TensorProto::INT64:
    case TensorProto::UINT64:
    case TensorProto::DOUBLE:
      return 8;
    default:
      return 0;
  }
}

template <typename T>
void append_raw(const std::string& raw, std::vector<double>& out) {
  const size_t n = raw.size() / sizeof(T);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));  // ONNX raw data is little-endian
    out.push_back(static_cast<double>(v));
  }
}

void decode_raw(int32_t type, const std::string& raw, std::vector<double>& out) {
  switch (type) {
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      append_raw<uint8_t>(raw, out);
      break;
    case TensorProto::INT8:
      append_raw<int8_t>(raw, out);
      break;
    case TensorProto::UINT16:
      append_raw<uint16_t>(raw, out);
      break;
    case TensorProto::INT16:
      append_raw<int16_t>(raw, out);
      break;
    case TensorProto::FLOAT:
      append_raw<float>(raw, out);
      break;
    case TensorProto::INT32:
      append_raw<int32_t>(raw, out);
      break;
    case TensorProto::UINT32:
      append_raw<uint32_t>(raw, out);
      break;
    case TensorProto::INT64:
      append_raw<int64_t>(raw, out);
      break;
    case TensorProto::UINT64:
      append_raw<uint64_t>(raw, out);
      break;
    case TensorProto::DOUBLE:
      append_raw<double>(raw, out);
      break;
    default:
      break;
  }
}

template <typename Field>
void append_field(const Field& field, std::vector<double>& out) {
  out.reserve(static_cast<size_t>(field.size()));
  for (auto v : field) out.push_back(static_cast<double>(v));
}

}  // namespace

std::string type_name(int32_t type) {
  if (TensorProto::DataType_IsValid(type))
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(type));
  return fmt::format("type {}", type);
}

bool is_integer_type(int32_t type) {
  switch (type) {
    case TensorProto::UINT8:
    case TensorProto::INT8:
    case TensorProto::UINT16:
    case TensorProto::INT16:
    case TensorProto::INT32:
    case TensorProto::UINT32:
    case TensorProto::INT64:
    case TensorProto::UINT64:
    case TensorProto::BOOL:
      return true;
    default:
      return false;
  }
}

bool ConstTensor::is_integer() const {
  return is_integer_type(type);
}

void integer_type_range(int32_t type, int64_t& lo, int64_t& hi) {
  switch (type) {
    case TensorProto::UINT8:
      lo = 0, hi = 255;
      return;
    case TensorProto::INT8:
      lo = -128, hi = 127;
      return;
    case TensorProto::UINT16:
      lo = 0, hi = 65535;
      return;
    case TensorProto::INT16:
      lo = -32768, hi = 32767;
      return;
    case TensorProto::INT32:
      lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
      return;
    default:
      throw std::invalid_argument("no integer range for " + type_name(type));
  }
}

ConstTensor read_tensor(const TensorProto& t, const std::string& where) {
  const std::string here =
      t.name().empty() ? where : fmt::format("{}, tensor '{}'", where, t.name());
  if (t.data_location() == TensorProto::EXTERNAL || t.external_data_size() > 0)
    throw InputError(here,
                     "external tensor data is not supported (save the model with "
                     "its weights inside the .onnx file)");
  if (t.has_segment()) throw InputError(here, "segmented tensors are not supported");
  ConstTensor c;
  c.type = t.data_type();
  if (element_bytes(c.type) == 0)
    throw InputError(here, "element type " + type_name(c.type) + " is not supported");
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) throw InputError(here, fmt::format("negative dimension {}", d));
    if (d > 0 && count > kMaxConstElements / d)
      throw InputError(here, fmt::format("more than {} elements", kMaxConstElements));
    count *= d;
    c.dims.push_back(d);
  }
  if (t.has_raw_data()) {
    const size_t bytes = element_bytes(c.type);
    if (t.raw_data().size() != static_cast<size_t>(count) * bytes)
      throw InputError(here, fmt::format("raw data has {} bytes, dims {} of {} need {}",
                                         t.raw_data().size(), kernels::dims_to_string(c.dims),
                                         type_name(c.type), static_cast<size_t>(count) * bytes));
    decode_raw(c.type, t.raw_data(), c.values);
  } else {
    switch (c.type) {
      case TensorProto::FLOAT:
        append_field(t.float_data(), c.values);
        break;
      case TensorProto::DOUBLE:
        append_field(t.double_data(), c.values);
        break;
      case TensorProto::INT64:
        append_field(t.int64_data(), c.values);
        break;
      case TensorProto::UINT32:
      case TensorProto::UINT64:
        append_field(t.uint64_data(), c.values);
        break;
      default:
        append_field(t.int32_data(), c.values);
        break;
    }
    if (static_cast<int64_t>(c.values.size()) != count)
      throw InputError(here, fmt::format("{} values for dims {}", c.values.size(),
                                         kernels::dims_to_string(c.dims)));
    // Narrow types stored in int32_data must still be in their range.
    if (c.type == TensorProto::UINT8 || c.type == TensorProto::INT8 ||
        c.type == TensorProto::UINT16 || c.type == TensorProto::INT16) {
      int64_t lo = 0, hi = 0;
      integer_type_range(c.type, lo, hi);
      for (double v : c.values)
        if (v < static_cast<double>(lo) || v > static_cast<double>(hi))
          throw InputError(here, fmt::format("value {} outside {}", v, type_name(c.type)));
    }
  }
  return c;
}

std::vector<int32_t> to_int32(const ConstTensor& t, const std::string& where,
                              const std::string& what) {
  std::vector<int32_t> out;
  out.reserve(t.values.size());
  for (double v : t.values) {
    if (!(v == std::floor(v)) || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max())
      throw InputError(where, fmt::format("{} value {} is not a 32-bit integer", what, v));
    out.push_back(static_cast<int32_t>(v));
  }
  return out;
}

float to_float(double v) {
  constexpr double max = std::numeric_limits<float>::max();
  if (v > max) return std::numeric_limits<float>::infinity();
  if (v < -max) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);  // NaN stays NaN
}

std::vector<float> to_float(const ConstTensor& t) {
  std::vector<float> out;
  out.reserve(t.values.size());
  for (double v : t.values) out.push_back(to_float(v));
  return out;
}

namespace {

template <typename T>
void put_raw(std::string& raw, const std::vector<double>& values) {
  raw.resize(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    const T v = static_cast<T>(values[i]);
    std::memcpy(raw.data() + i * sizeof(T), &v, sizeof(T));
  }
}

}  // namespace

void fill_tensor(TensorProto& t, const std::string& name, int32_t type, const kernels::Dims& dims,
                 const std::vector<double>& values) {
  t.set_name(name);
  t.set_data_type(type);
  for (int64_t d : dims) t.add_dims(d);
  std::string raw;
  switch (type) {
    case TensorProto::UINT8:
      put_raw<uint8_t>(raw, values);
      break;
    case TensorProto::INT8:
      put_raw<int8_t>(raw, values);
      break;
    case TensorProto::INT32:
      put_raw<int32_t>(raw, values);
      break;
    case TensorProto::INT64:
      put_raw<int64_t>(raw, values);
      break;
    case TensorProto::FLOAT:
      put_raw<float>(raw, values);
      break;
    default:
      throw std::invalid_argument("fill_tensor: unsupported type " + type_name(type));
  }
  t.set_raw_data(std::move(raw));
}

}  // namespace qasim::workloads::onnx_io
