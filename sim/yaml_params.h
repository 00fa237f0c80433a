// Reading parameter files: YAML mappings whose every key must be known, with errors
// that name the file, line and column.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace qasim::sim {

// Parses `path` as YAML; a missing file or a syntax error throws workloads::InputError
// naming the file (and line:column for syntax errors).
YAML::Node load_yaml_file(const std::string& path);
// Parses YAML text; `source` names it in errors.
YAML::Node load_yaml_text(const std::string& text, const std::string& source);

// Throws InputError "file:line:col: unknown key 'k' (expected one of ...)" for any key of
// the mapping `node` that is not in `allowed`, and when `node` is not a mapping.
void require_known_keys(const YAML::Node& node, const std::vector<std::string>& allowed,
                        const std::string& source);

// "file:line:col" of a node (1-based), for error messages.
std::string yaml_place(const YAML::Node& node, const std::string& source);

// Reads a scalar as T, with an error naming the place and the expected type.
template <typename T>
T yaml_scalar(const YAML::Node& node, const std::string& key, const std::string& source);

}  // namespace qasim::sim
