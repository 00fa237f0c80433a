#include "sim/yaml_params.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <fstream>
#include <sstream>

#include "workloads/errors.h"

namespace qasim::sim {

using workloads::InputError;

std::string yaml_place(const YAML::Node& node, const std::string& source) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return source;
  return fmt::format("{}:{}:{}", source, m.line + 1, m.column + 1);
}

YAML::Node load_yaml_text(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}:{}", source, e.mark.line + 1, e.mark.column + 1),
                     "YAML syntax error: " + e.msg);
  }
}

YAML::Node load_yaml_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return load_yaml_text(buffer.str(), path);
}

void require_known_keys(const YAML::Node& node, const std::vector<std::string>& allowed,
                        const std::string& source) {
  if (!node.IsMap()) throw InputError(yaml_place(node, source), "expected a mapping of key: value");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw InputError(
          yaml_place(kv.first, source),
          fmt::format("unknown key '{}' (expected one of: {})", key, fmt::join(allowed, ", ")));
  }
}

template <typename T>
T yaml_scalar(const YAML::Node& node, const std::string& key, const std::string& source) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    const char* type = std::is_same_v<T, bool>       ? "a boolean"
                       : std::is_integral_v<T>       ? "an integer"
                       : std::is_floating_point_v<T> ? "a number"
                                                     : "a string";
    throw InputError(yaml_place(node, source),
                     fmt::format("'{}' must be {}, got '{}'", key, type,
                                 node.IsScalar() ? node.Scalar() : std::string("a non-scalar")));
  }
}

template int yaml_scalar<int>(const YAML::Node&, const std::string&, const std::string&);
template int64_t yaml_scalar<int64_t>(const YAML::Node&, const std::string&, const std::string&);
template double yaml_scalar<double>(const YAML::Node&, const std::string&, const std::string&);
template bool yaml_scalar<bool>(const YAML::Node&, const std::string&, const std::string&);
template std::string yaml_scalar<std::string>(const YAML::Node&, const std::string&,
                                              const std::string&);

}  // namespace qasim::sim
