// The fields a ParamSchema (sim/params.h) is made of: one class per kind of value, each
// reading itself from YAML, checking its range and describing itself for listings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::sim {

// One param in words, for listings and error messages.
struct ParamInfo {
  std::string name;          // key path: "banks", or "cbuf.banks" inside a group
  std::string type;          // "int", "number", "bool", "string" or "choice"
  std::string unit;          // "bytes", "cycles", "MHz"...; empty when dimensionless
  std::string default_text;  // the default as YAML would hold it
  std::string constraint;    // ">= 1", "[1, 64]", "one of: a, b", or empty
  std::string description;
};

struct PresetInfo {
  std::string name;
  std::string description;
};

// A value as YAML would hold it (doubles in shortest round-trip form).
std::string param_text(int64_t v);
std::string param_text(double v);
std::string param_text(bool v);
std::string param_text(const std::string& v);

template <typename P>
class ParamSchema;

namespace detail {

// What every field of a schema can do, independent of its value type.
template <typename P>
class Field {
 public:
  Field(std::string name, std::string unit, std::string description)
      : m_name(std::move(name)), m_unit(std::move(unit)), m_description(std::move(description)) {}
  virtual ~Field() = default;
  const std::string& name() const { return m_name; }
  // Reads this key's YAML value into `p`; type errors name the file, line and column.
  virtual void read(P& p, const YAML::Node& value, const std::string& source) const = 0;
  // Appends "<prefix><name> ...problem" for each constraint that `p` violates.
  virtual void check(const P& p, const std::string& prefix,
                     std::vector<std::string>& out) const = 0;
  virtual void list(const P& defaults, const std::string& prefix,
                    std::vector<ParamInfo>& out) const = 0;

 protected:
  std::string m_name;
  std::string m_unit;
  std::string m_description;
};

}  // namespace detail

// A scalar field: int, int64_t, double, bool or std::string (what yaml_scalar reads).
template <typename P, typename T>
class Param final : public detail::Field<P> {
  static_assert(std::is_same_v<T, int> || std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                    std::is_same_v<T, bool> || std::is_same_v<T, std::string>,
                "a Param holds int, int64_t, double, bool or std::string");

 public:
  Param(std::string name, T P::*member, std::string unit, std::string description)
      : detail::Field<P>(std::move(name), std::move(unit), std::move(description)),
        m_member(member) {}
  Param& min(T lo) {
    m_min = lo;
    return *this;
  }
  Param& max(T hi) {
    m_max = hi;
    return *this;
  }
  Param& range(T lo, T hi) { return min(lo).max(hi); }
  // Restricts the value to a fixed list (e.g. power-of-two widths).
  Param& one_of(std::vector<T> values) {
    m_allowed = std::move(values);
    return *this;
  }

  void read(P& p, const YAML::Node& value, const std::string& source) const override {
    p.*m_member = yaml_scalar<T>(value, this->m_name, source);
  }
  void check(const P& p, const std::string& prefix, std::vector<std::string>& out) const override {
    const T& v = p.*m_member;
    const std::string head = prefix + this->m_name + " = " + text(v);
    if (m_min && v < *m_min) out.push_back(head + " is below the minimum " + text(*m_min));
    if (m_max && *m_max < v) out.push_back(head + " is above the maximum " + text(*m_max));
    if (!m_allowed.empty() && std::find(m_allowed.begin(), m_allowed.end(), v) == m_allowed.end())
      out.push_back(head + " is not " + allowed_text());
  }
  void list(const P& defaults, const std::string& prefix,
            std::vector<ParamInfo>& out) const override {
    // Built with += : GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
    std::string constraint;
    if (!m_allowed.empty()) {
      constraint = allowed_text();
    } else if (m_min && m_max) {
      constraint += "[";
      constraint += text(*m_min);
      constraint += ", ";
      constraint += text(*m_max);
      constraint += "]";
    } else if (m_min || m_max) {
      constraint += m_min ? ">= " : "<= ";
      constraint += text(m_min ? *m_min : *m_max);
    }
    out.push_back({prefix + this->m_name, type_name(), this->m_unit, text(defaults.*m_member),
                   constraint, this->m_description});
  }

 private:
  static std::string text(const T& v) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
      return param_text(static_cast<int64_t>(v));
    else
      return param_text(v);
  }
  static const char* type_name() {
    if constexpr (std::is_same_v<T, bool>) return "bool";
    if constexpr (std::is_integral_v<T>) return "int";
    if constexpr (std::is_floating_point_v<T>) return "number";
    return "string";
  }
  std::string allowed_text() const {
    std::string s = "one of:";
    for (const T& a : m_allowed) {
      s += ' ';
      s += text(a);
    }
    return s;
  }

  T P::*m_member;
  std::optional<T> m_min;
  std::optional<T> m_max;
  std::vector<T> m_allowed;
};

// A field written as one of a few names in YAML and held as an enum (or any type) in C++.
template <typename P, typename E>
class ChoiceParam final : public detail::Field<P> {
 public:
  ChoiceParam(std::string name, E P::*member, std::vector<std::pair<std::string, E>> choices,
              std::string description)
      : detail::Field<P>(std::move(name), "", std::move(description)),
        m_member(member),
        m_choices(std::move(choices)) {}

  void read(P& p, const YAML::Node& value, const std::string& source) const override {
    const std::string s = yaml_scalar<std::string>(value, this->m_name, source);
    for (const auto& [name, v] : m_choices)
      if (name == s) {
        p.*m_member = v;
        return;
      }
    throw workloads::InputError(yaml_place(value, source),
                                "'" + this->m_name + "' must be " + names() + ", got '" + s + "'");
  }
  void check(const P& p, const std::string& prefix, std::vector<std::string>& out) const override {
    if (name_of(p.*m_member).empty())
      out.push_back(prefix + this->m_name + " holds a value that is not " + names());
  }
  void list(const P& defaults, const std::string& prefix,
            std::vector<ParamInfo>& out) const override {
    out.push_back({prefix + this->m_name, "choice", "", name_of(defaults.*m_member), names(),
                   this->m_description});
  }

 private:
  std::string name_of(const E& v) const {
    for (const auto& [name, c] : m_choices)
      if (c == v) return name;
    return "";
  }
  std::string names() const {
    std::string s = "one of:";
    for (const auto& c : m_choices) {
      s += ' ';
      s += c.first;
    }
    return s;
  }

  E P::*m_member;
  std::vector<std::pair<std::string, E>> m_choices;
};

// A nested mapping read with another schema, e.g. `cbuf: {preset: small, banks: 16}`.
template <typename P, typename S>
class GroupParam final : public detail::Field<P> {
 public:
  GroupParam(std::string name, S P::*member, const ParamSchema<S>& schema, std::string description)
      : detail::Field<P>(std::move(name), "", std::move(description)),
        m_member(member),
        m_schema(schema) {}

  void read(P& p, const YAML::Node& value, const std::string& source) const override {
    p.*m_member = m_schema.parse(value, source, p.*m_member);
  }
  void check(const P& p, const std::string& prefix, std::vector<std::string>& out) const override {
    m_schema.collect(p.*m_member, prefix + this->m_name + ".", out);
  }
  void list(const P& defaults, const std::string& prefix,
            std::vector<ParamInfo>& out) const override {
    m_schema.list_into(defaults.*m_member, prefix + this->m_name + ".", out);
  }

 private:
  S P::*m_member;
  const ParamSchema<S>& m_schema;  // schemas are function-local statics that outlive users
};

}  // namespace qasim::sim
