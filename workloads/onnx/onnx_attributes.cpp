#include "workloads/onnx/onnx_attributes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "workloads/errors.h"

namespace qasim::workloads::onnx_io {

using onnx::AttributeProto;

Attributes::Attributes(const onnx::NodeProto& node, std::string where)
    : m_node(node), m_where(std::move(where)) {}

const AttributeProto* Attributes::find(const std::string& name) const {
  for (const AttributeProto& a : m_node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

const AttributeProto* Attributes::find_typed(const std::string& name,
                                             AttributeProto::AttributeType type) const {
  const AttributeProto* a = find(name);
  if (a == nullptr) return nullptr;
  // Some writers leave `type` unset; then trust the field that carries a value.
  if (a->type() != type && a->type() != AttributeProto::UNDEFINED)
    throw InputError(m_where, fmt::format("attribute '{}' has type {}, expected {}", name,
                                          AttributeProto::AttributeType_Name(a->type()),
                                          AttributeProto::AttributeType_Name(type)));
  return a;
}

int64_t Attributes::get_int(const std::string& name, int64_t fallback, int64_t lo,
                            int64_t hi) const {
  const AttributeProto* a = find_typed(name, AttributeProto::INT);
  if (a == nullptr) return fallback;
  if (a->i() < lo || a->i() > hi)
    throw InputError(m_where,
                     fmt::format("attribute '{}' = {} outside [{}, {}]", name, a->i(), lo, hi));
  return a->i();
}

std::vector<int64_t> Attributes::get_ints(const std::string& name, std::vector<int64_t> fallback,
                                          int64_t lo, int64_t hi, size_t count) const {
  const AttributeProto* a = find_typed(name, AttributeProto::INTS);
  if (a == nullptr) return fallback;
  std::vector<int64_t> v(a->ints().begin(), a->ints().end());
  if (count > 0 && v.size() != count)
    throw InputError(
        m_where, fmt::format("attribute '{}' has {} values, expected {}", name, v.size(), count));
  for (int64_t x : v)
    if (x < lo || x > hi)
      throw InputError(m_where,
                       fmt::format("attribute '{}' value {} outside [{}, {}]", name, x, lo, hi));
  return v;
}

float Attributes::get_float(const std::string& name, float fallback) const {
  const AttributeProto* a = find_typed(name, AttributeProto::FLOAT);
  if (a == nullptr) return fallback;
  if (!std::isfinite(a->f()))
    throw InputError(m_where, fmt::format("attribute '{}' is not finite", name));
  return a->f();
}

std::string Attributes::get_string(const std::string& name, const std::string& fallback) const {
  const AttributeProto* a = find_typed(name, AttributeProto::STRING);
  return a == nullptr ? fallback : a->s();
}

const onnx::TensorProto* Attributes::get_tensor(const std::string& name) const {
  const AttributeProto* a = find_typed(name, AttributeProto::TENSOR);
  return a == nullptr || !a->has_t() ? nullptr : &a->t();
}

void Attributes::allow_only(const std::vector<std::string>& known) const {
  for (const AttributeProto& a : m_node.attribute())
    if (std::find(known.begin(), known.end(), a.name()) == known.end())
      throw InputError(m_where, fmt::format("unsupported attribute '{}'", a.name()));
}

}  // namespace qasim::workloads::onnx_io
