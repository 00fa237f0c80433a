#include "dse/cost_design.h"

#include <fmt/format.h>

#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::dse {

using sim::require_known_keys;
using sim::yaml_place;
using sim::yaml_scalar;
using workloads::InputError;

namespace {

YAML::Node required(const YAML::Node& node, const std::string& key, const std::string& source) {
  const YAML::Node v = node[key];
  if (!v) throw InputError(yaml_place(node, source), fmt::format("missing key '{}'", key));
  return v;
}

const YAML::Node& list(const YAML::Node& node, const std::string& key, const std::string& source) {
  if (!node.IsSequence())
    throw InputError(yaml_place(node, source), fmt::format("'{}' must be a list", key));
  return node;
}

std::vector<int> widths(const YAML::Node& node, const std::string& source) {
  std::vector<int> out;
  for (const YAML::Node& b : list(node, "bits", source))
    out.push_back(yaml_scalar<int>(b, "bits", source));
  return out;
}

sim::cost::InventoryItem read_item(const YAML::Node& n, const std::string& source) {
  require_known_keys(n, {"component", "kind", "count", "size", "unit", "bits", "banks", "ports"},
                     source);
  sim::cost::InventoryItem item;
  item.component = yaml_scalar<std::string>(required(n, "component", source), "component", source);
  item.kind = yaml_scalar<std::string>(required(n, "kind", source), "kind", source);
  item.count = yaml_scalar<int64_t>(required(n, "count", source), "count", source);
  if (n["size"]) item.size = yaml_scalar<int64_t>(n["size"], "size", source);
  if (n["unit"]) item.unit = yaml_scalar<std::string>(n["unit"], "unit", source);
  if (n["bits"]) item.bits = widths(n["bits"], source);
  if (n["banks"]) item.banks = yaml_scalar<int>(n["banks"], "banks", source);
  if (n["ports"]) item.ports = yaml_scalar<int>(n["ports"], "ports", source);
  if (item.count < 0) throw InputError(yaml_place(n, source), "'count' must be >= 0");
  return item;
}

sim::cost::Action read_action(const YAML::Node& n, const std::string& source) {
  require_known_keys(n, {"component", "kind", "bits", "count"}, source);
  sim::cost::Action a;
  a.component = yaml_scalar<std::string>(required(n, "component", source), "component", source);
  a.kind = yaml_scalar<std::string>(required(n, "kind", source), "kind", source);
  if (n["bits"]) a.bits = widths(n["bits"], source);
  const double count = yaml_scalar<double>(required(n, "count", source), "count", source);
  if (!(count >= 0) || count > 1.8e19)
    throw InputError(yaml_place(n["count"], source), "'count' must be in [0, 1.8e19]");
  a.count = static_cast<uint64_t>(count);
  return a;
}

}  // namespace

CostDesign load_cost_design(const std::string& path) {
  const YAML::Node root = sim::load_yaml_file(path);
  require_known_keys(root, {"name", "clock_mhz", "cycles", "inventory", "layers"}, path);
  CostDesign d;
  d.name = yaml_scalar<std::string>(required(root, "name", path), "name", path);
  d.timing.clock_mhz = yaml_scalar<double>(required(root, "clock_mhz", path), "clock_mhz", path);
  if (!(d.timing.clock_mhz > 0))
    throw InputError(yaml_place(root["clock_mhz"], path), "'clock_mhz' must be > 0");
  d.timing.total_cycles =
      static_cast<uint64_t>(yaml_scalar<double>(required(root, "cycles", path), "cycles", path));
  for (const YAML::Node& n : list(required(root, "inventory", path), "inventory", path))
    d.inventory.push_back(read_item(n, path));
  for (const YAML::Node& n : list(required(root, "layers", path), "layers", path)) {
    require_known_keys(n, {"name", "cycles", "macs", "actions"}, path);
    sim::cost::LayerWork w;
    w.name = yaml_scalar<std::string>(required(n, "name", path), "name", path);
    w.cycles =
        static_cast<uint64_t>(yaml_scalar<double>(required(n, "cycles", path), "cycles", path));
    if (n["macs"]) w.macs = static_cast<int64_t>(yaml_scalar<double>(n["macs"], "macs", path));
    sim::cost::LayerActions la{w.name, {}};
    for (const YAML::Node& a : list(required(n, "actions", path), "actions", path))
      la.actions.push_back(read_action(a, path));
    d.timing.layers.push_back(std::move(w));
    d.actions.push_back(std::move(la));
  }
  return d;
}

}  // namespace qasim::dse
