// Typed, self-documenting component params. A component's Params is a plain struct whose
// member initialisers are the defaults; its ParamSchema names each member once with a unit,
// description and allowed range, reads it from YAML (a preset, then per-field overrides),
// checks ranges and cross-field rules, and lists itself for `qasim list-archs`.
//
//   struct SramParams { int banks = 8; ... static const ParamSchema<SramParams>& schema(); };
//   static const ParamSchema<SramParams> s("sram", "on-chip SRAM", [](auto& s) {
//     s.add("banks", &SramParams::banks, "", "independent banks").min(1);
//     s.rule([](const SramParams& p) { return p.banks > 64 ? "too many banks" : ""; });
//   });
//   SramParams p = SramParams::schema().parse_file("sram.yaml");   // throws InputError
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/param_fields.h"
#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::sim {

// Prints a table: one line per param (name, default, unit, description and constraint),
// then the presets.
// Fields as YAML, nesting "group.field" names under "group:" (in list order).
std::string params_to_yaml(const std::vector<ParamInfo>& params);
void print_params(std::ostream& out, const std::string& title, const std::vector<ParamInfo>& params,
                  const std::vector<PresetInfo>& presets);

// Joins problems into one message ("a; b; c").
std::string join_problems(const std::vector<std::string>& problems);

// The YAML key that selects a preset; no field may use it.
inline constexpr const char* kPresetKey = "preset";

template <typename P>
class ParamSchema {
 public:
  // `component` names the params in listings and in errors about code-built params.
  // `build` adds the fields, rules and presets, so a schema can be a const static:
  //   static const ParamSchema<X> s("x", "what X is", [](ParamSchema<X>& s) { s.add(...); });
  ParamSchema(std::string component, std::string description,
              const std::function<void(ParamSchema&)>& build = {})
      : m_component(std::move(component)), m_description(std::move(description)) {
    if (build) build(*this);
  }
  // Fields hold member pointers into P and groups refer to other schemas by reference, so a
  // schema stays where it was built (a function-local static).
  ParamSchema(const ParamSchema&) = delete;
  ParamSchema& operator=(const ParamSchema&) = delete;

  template <typename T>
  Param<P, T>& add(std::string name, T P::*member, std::string unit, std::string description) {
    return push(std::make_unique<Param<P, T>>(std::move(name), member, std::move(unit),
                                              std::move(description)));
  }
  template <typename E>
  ChoiceParam<P, E>& add_choice(std::string name, E P::*member,
                                std::vector<std::pair<std::string, E>> choices,
                                std::string description) {
    return push(std::make_unique<ChoiceParam<P, E>>(std::move(name), member, std::move(choices),
                                                    std::move(description)));
  }
  template <typename S>
  void add_group(std::string name, S P::*member, const ParamSchema<S>& schema,
                 std::string description) {
    push(std::make_unique<GroupParam<P, S>>(std::move(name), member, schema,
                                            std::move(description)));
  }
  // A cross-field rule: returns "" when `p` satisfies it, otherwise the problem in words.
  void rule(std::function<std::string(const P&)> check) { m_rules.push_back(std::move(check)); }
  // A named starting point that YAML selects with `preset: name`.
  void preset(std::string name, std::string description, P value) {
    m_presets.push_back({{std::move(name), std::move(description)}, std::move(value)});
  }

  // Reads a mapping: `preset: name` (optional) picks the starting point, otherwise `base`;
  // every other key overrides one field. Unknown keys, type errors, out-of-range values and
  // failed rules throw InputError naming the file, line and column.
  P parse(const YAML::Node& node, const std::string& source, const P& base = P{}) const {
    require_known_keys(node, keys(), source);
    P p = base;
    if (const YAML::Node name = node[kPresetKey])
      p = preset_at(yaml_scalar<std::string>(name, kPresetKey, source), name, source);
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      if (key == kPresetKey) continue;
      const detail::Field<P>& field = find(key);
      field.read(p, kv.second, source);
      std::vector<std::string> problems;
      field.check(p, "", problems);
      if (!problems.empty())
        throw workloads::InputError(yaml_place(kv.second, source), join_problems(problems));
    }
    const std::vector<std::string> problems = this->problems(p);
    if (!problems.empty())
      throw workloads::InputError(yaml_place(node, source),
                                  m_component + ": " + join_problems(problems));
    return p;
  }
  P parse_text(const std::string& text, const std::string& source) const {
    return parse(load_yaml_text(text, source), source);
  }
  P parse_file(const std::string& path) const { return parse(load_yaml_file(path), path); }

  // Every range and rule violation of `p`, each naming the param path.
  std::vector<std::string> problems(const P& p) const {
    std::vector<std::string> out;
    collect(p, "", out);
    return out;
  }
  // Components call this in their constructors: code-built params get the same checks.
  void validate(const P& p) const {
    const std::vector<std::string> problems = this->problems(p);
    if (!problems.empty()) throw workloads::InputError(m_component, join_problems(problems));
  }
  // The value of a preset; throws InputError for an unknown name.
  const P& preset_value(const std::string& name) const {
    return preset_at(name, YAML::Node(), m_component);
  }

  std::vector<ParamInfo> list() const {
    std::vector<ParamInfo> out;
    list_into(P{}, "", out);
    return out;
  }
  // The fields of `p` (default_text holds p's value), e.g. for reports.
  std::vector<ParamInfo> values(const P& p) const {
    std::vector<ParamInfo> out;
    list_into(p, "", out);
    return out;
  }
  // `p` as YAML that parse() reads back to the same value (groups nested).
  std::string to_yaml(const P& p) const { return params_to_yaml(values(p)); }
  std::vector<PresetInfo> presets() const {
    std::vector<PresetInfo> out;
    for (const auto& p : m_presets) out.push_back(p.info);
    return out;
  }
  void print(std::ostream& out) const {
    print_params(out, m_component + ": " + m_description, list(), presets());
  }
  const std::string& component() const { return m_component; }

 private:
  template <typename, typename>
  friend class GroupParam;

  struct Preset {
    PresetInfo info;
    P value;
  };

  template <typename F>
  F& push(std::unique_ptr<F> field) {
    if (field->name() == kPresetKey || has(field->name()))
      throw std::logic_error(m_component + ": param name '" + field->name() + "' is taken");
    F& ref = *field;
    m_fields.push_back(std::move(field));
    return ref;
  }
  bool has(const std::string& name) const {
    for (const auto& f : m_fields)
      if (f->name() == name) return true;
    return false;
  }
  const detail::Field<P>& find(const std::string& name) const {
    for (const auto& f : m_fields)
      if (f->name() == name) return *f;
    throw std::logic_error("unreachable: key checked by require_known_keys");
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out{kPresetKey};
    for (const auto& f : m_fields) out.push_back(f->name());
    return out;
  }
  const P& preset_at(const std::string& name, const YAML::Node& at,
                     const std::string& source) const {
    std::vector<std::string> names;
    for (const auto& p : m_presets) {
      if (p.info.name == name) return p.value;
      names.push_back(p.info.name);
    }
    std::string known = names.empty() ? "none" : "";
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw workloads::InputError(
        at.IsDefined() ? yaml_place(at, source) : source,
        "unknown " + m_component + " preset '" + name + "' (expected one of: " + known + ")");
  }
  void collect(const P& p, const std::string& prefix, std::vector<std::string>& out) const {
    for (const auto& f : m_fields) f->check(p, prefix, out);
    for (const auto& rule : m_rules)
      if (std::string problem = rule(p); !problem.empty()) out.push_back(prefix + problem);
  }
  void list_into(const P& defaults, const std::string& prefix, std::vector<ParamInfo>& out) const {
    for (const auto& f : m_fields) f->list(defaults, prefix, out);
  }

  std::string m_component;
  std::string m_description;
  std::vector<std::unique_ptr<detail::Field<P>>> m_fields;
  std::vector<std::function<std::string(const P&)>> m_rules;
  std::vector<Preset> m_presets;
};

}  // namespace qasim::sim
