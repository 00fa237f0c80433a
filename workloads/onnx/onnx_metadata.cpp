#include "workloads/onnx/onnx_metadata.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "workloads/errors.h"

namespace qasim::workloads::onnx_io {

using json = nlohmann::json;
using kernels::Activation;

std::string activation_name(Activation a) {
  switch (a) {
    case Activation::None:
      return "none";
    case Activation::Relu:
      return "relu";
    case Activation::Relu6:
      return "relu6";
    case Activation::Clip:
      return "clip";
  }
  return "?";
}

namespace {

Activation activation_from_name(const std::string& s, const std::string& where) {
  for (Activation a : {Activation::None, Activation::Relu, Activation::Relu6, Activation::Clip})
    if (activation_name(a) == s) return a;
  throw InputError(where, "unknown activation '" + s + "'");
}

json scheme_json(const kernels::QuantParams& q) {
  json j = {{"scheme", kernels::to_string(q.scheme)}, {"bits", q.bits}, {"signed", q.is_signed}};
  if (q.scheme == kernels::Scheme::FixedPoint) j["frac_bits"] = q.frac_bits;
  if (!q.codebook.empty()) j["codebook"] = q.codebook;
  return j;
}

// Reads a field of the expected JSON type or throws InputError naming it.
template <typename T>
T field(const json& j, const char* key, const std::string& where, T fallback) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const json::exception& e) {
    throw InputError(where, fmt::format("field '{}': {}", key, e.what()));
  }
}

// Integers are range-checked here: nlohmann's get<int> of a large or fractional number
// would convert out of range silently.
int64_t int_value(const json& v, const std::string& what, const std::string& where, int64_t lo,
                  int64_t hi) {
  if (!v.is_number_integer())
    throw InputError(where, fmt::format("field '{}' is not an integer", what));
  const int64_t x =
      v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{1} << 62 ? hi + 1 : v.get<int64_t>();
  if (x < lo || x > hi)
    throw InputError(where, fmt::format("field '{}' = {} outside [{}, {}]", what, x, lo, hi));
  return x;
}

int int_field(const json& j, const char* key, const std::string& where, int fallback, int lo,
              int hi) {
  if (!j.contains(key)) return fallback;
  return static_cast<int>(int_value(j[key], key, where, lo, hi));
}

std::vector<int32_t> ints_field(const json& j, const char* key, const std::string& where) {
  std::vector<int32_t> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) throw InputError(where, fmt::format("field '{}' is not a list", key));
  for (const json& v : j[key])
    out.push_back(static_cast<int32_t>(int_value(v, key, where, INT32_MIN, INT32_MAX)));
  return out;
}

SchemeMeta scheme_from(const json& j, const std::string& where) {
  if (!j.is_object()) throw InputError(where, "quantization entry is not an object");
  SchemeMeta m;
  try {
    m.scheme = kernels::scheme_from_string(field<std::string>(j, "scheme", where, "uniform"));
  } catch (const std::invalid_argument& e) {
    throw InputError(where, e.what());
  }
  m.bits = int_field(j, "bits", where, 8, 1, 16);
  m.is_signed = field<bool>(j, "signed", where, true);
  m.frac_bits = int_field(j, "frac_bits", where, 0, 0, 30);
  m.codebook = ints_field(j, "codebook", where);
  if (m.codebook.size() > 65536) throw InputError(where, "codebook has more than 65536 entries");
  return m;
}

json parse(const std::string& text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(where, std::string("metadata is not valid JSON: ") + e.what());
  }
}

}  // namespace

std::string to_json(const kernels::Numerics& n) {
  return json{{"requant", kernels::to_string(n.requant)},
              {"accumulator_bits", n.accumulator.bits},
              {"overflow", kernels::to_string(n.accumulator.overflow)},
              {"mulshift_bits", n.mulshift_bits}}
      .dump();
}

kernels::Numerics numerics_from_json(const std::string& text, const std::string& where) {
  const json j = parse(text, where);
  if (!j.is_object()) throw InputError(where, "numerics metadata is not an object");
  kernels::Numerics n;
  try {
    n.requant = kernels::requant_mode_from_string(field<std::string>(j, "requant", where, "onnx"));
    n.accumulator.overflow =
        kernels::overflow_from_string(field<std::string>(j, "overflow", where, "saturate"));
  } catch (const std::invalid_argument& e) {
    throw InputError(where, e.what());
  }
  n.accumulator.bits = int_field(j, "accumulator_bits", where, 32, 16, 64);
  n.mulshift_bits = int_field(j, "mulshift_bits", where, 16, 2, 32);
  return n;
}

LayerMeta layer_meta_of(const Layer& l) {
  LayerMeta m;
  auto scheme = [](const kernels::QuantParams& q) {
    return SchemeMeta{q.scheme, q.bits, q.is_signed, q.frac_bits, q.codebook};
  };
  m.output = scheme(l.output_q);
  if (l.has_weights()) m.weights = scheme(l.weight_q);
  m.activation = l.activation;
  m.clip_lo = l.clip_lo;
  m.clip_hi = l.clip_hi;
  m.batchnorm_folded = l.batchnorm_folded;
  m.fixed_weights = l.fixed_weights;
  return m;
}

std::string to_json(const LayerMeta& m) {
  json j = json::object();
  auto scheme = [](const SchemeMeta& s) {
    kernels::QuantParams q;
    q.scheme = s.scheme, q.bits = s.bits, q.is_signed = s.is_signed;
    q.frac_bits = s.frac_bits, q.codebook = s.codebook;
    return scheme_json(q);
  };
  if (m.output) j["output"] = scheme(*m.output);
  if (m.weights) j["weights"] = scheme(*m.weights);
  if (!m.weight_zero_point.empty()) j["weight_zero_point"] = m.weight_zero_point;
  if (m.activation) {
    j["activation"] = activation_name(*m.activation);
    if (*m.activation == Activation::Clip) j["clip"] = {m.clip_lo, m.clip_hi};
  }
  if (m.batchnorm_folded) j["batchnorm_folded"] = true;
  if (m.fixed_weights) j["fixed_weights"] = true;
  return j.dump();
}

LayerMeta layer_meta_from_json(const std::string& text, const std::string& where) {
  const json j = parse(text, where);
  if (!j.is_object()) throw InputError(where, "layer metadata is not an object");
  LayerMeta m;
  if (j.contains("output")) m.output = scheme_from(j["output"], where + " output");
  if (j.contains("weights")) m.weights = scheme_from(j["weights"], where + " weights");
  m.weight_zero_point = ints_field(j, "weight_zero_point", where);
  if (j.contains("activation"))
    m.activation = activation_from_name(field<std::string>(j, "activation", where, ""), where);
  if (m.activation == Activation::Clip) {
    const json clip = j.contains("clip") ? j["clip"] : json();
    if (!clip.is_array() || clip.size() != 2 || !clip[0].is_number() || !clip[1].is_number())
      throw InputError(where, "clip needs two bounds [lo, hi]");
    const double lo = clip[0].get<double>(), hi = clip[1].get<double>();
    if (!(std::fabs(lo) <= 1e30 && std::fabs(hi) <= 1e30 && lo <= hi))
      throw InputError(where, "clip bounds must be finite with lo <= hi");
    m.clip_lo = static_cast<float>(lo);
    m.clip_hi = static_cast<float>(hi);
  }
  m.batchnorm_folded = field<bool>(j, "batchnorm_folded", where, false);
  m.fixed_weights = field<bool>(j, "fixed_weights", where, false);
  return m;
}

std::string to_json(const std::vector<std::string>& names) {
  return json(names).dump();
}

std::vector<std::string> names_from_json(const std::string& text, const std::string& where) {
  const json j = parse(text, where);
  try {
    return j.get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw InputError(where, std::string("expected a list of names: ") + e.what());
  }
}

int num_classes_from_string(const std::string& text, const std::string& where) {
  const json j = parse(text, where);
  return static_cast<int>(int_value(j, "num_classes", where, 0, int64_t{1} << 30));
}

void apply_scheme(kernels::QuantParams& q, const SchemeMeta& m) {
  q.scheme = m.scheme;
  q.bits = m.bits;
  q.is_signed = m.is_signed;
  q.frac_bits = m.frac_bits;
  q.codebook = m.codebook;
}

}  // namespace qasim::workloads::onnx_io
