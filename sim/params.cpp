#include "sim/params.h"

#include <fmt/format.h>

#include <algorithm>

namespace qasim::sim {

std::string param_text(int64_t v) {
  return std::to_string(v);
}
std::string param_text(double v) {
  return fmt::format("{}", v);
}
std::string param_text(bool v) {
  return v ? "true" : "false";
}
std::string param_text(const std::string& v) {
  return v.empty() ? "''" : v;
}

std::string join_problems(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& p : problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string params_to_yaml(const std::vector<ParamInfo>& params) {
  std::string out;
  std::vector<std::string> open;  // group path of the previous line
  for (const ParamInfo& p : params) {
    std::vector<std::string> path;
    size_t from = 0;
    for (size_t dot = p.name.find('.'); dot != std::string::npos; dot = p.name.find('.', from)) {
      path.push_back(p.name.substr(from, dot - from));
      from = dot + 1;
    }
    size_t common = 0;
    while (common < open.size() && common < path.size() && open[common] == path[common]) ++common;
    for (size_t i = common; i < path.size(); ++i) out += std::string(2 * i, ' ') + path[i] + ":\n";
    out += std::string(2 * path.size(), ' ') + p.name.substr(from) + ": " + p.default_text + "\n";
    open = path;
  }
  return out;
}

void print_params(std::ostream& out, const std::string& title, const std::vector<ParamInfo>& params,
                  const std::vector<PresetInfo>& presets) {
  size_t name_w = 4, default_w = 7, unit_w = 4;
  for (const ParamInfo& p : params) {
    name_w = std::max(name_w, p.name.size());
    default_w = std::max(default_w, p.default_text.size());
    unit_w = std::max(unit_w, p.unit.size());
  }
  out << title << "\n";
  out << fmt::format("  {:<{}}  {:>{}}  {:<{}}  {}\n", "name", name_w, "default", default_w, "unit",
                     unit_w, "description");
  for (const ParamInfo& p : params) {
    const std::string constraint = p.constraint.empty() ? "" : " (" + p.constraint + ")";
    out << fmt::format("  {:<{}}  {:>{}}  {:<{}}  {}{}\n", p.name, name_w, p.default_text,
                       default_w, p.unit.empty() ? "-" : p.unit, unit_w, p.description, constraint);
  }
  if (!presets.empty()) {
    out << "  presets:\n";
    for (const PresetInfo& p : presets) out << "    " << p.name << ": " << p.description << "\n";
  }
}

}  // namespace qasim::sim
