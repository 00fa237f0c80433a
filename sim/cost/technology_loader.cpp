// Reading a technology table from YAML: every mapping's keys are checked (unknown and
// missing keys are errors naming file:line:col), every number must be positive, and the
// points a model is fitted to must be usable (two adder widths, two SRAM area points...).
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sim/cost/default_tech.h"
#include "sim/cost/technology.h"
#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::sim::cost {

using workloads::InputError;

namespace {

// Reads one YAML mapping whose keys must all be in `keys`; `required` ones must be present.
class Mapping {
 public:
  Mapping(const YAML::Node& node, const std::string& source, std::vector<std::string> keys,
          const std::vector<std::string>& required)
      : m_node(node), m_source(source) {
    require_known_keys(node, keys, source);
    for (const std::string& key : required)
      if (!node[key])
        throw InputError(yaml_place(node, source), fmt::format("missing key '{}'", key));
  }
  bool has(const std::string& key) const { return static_cast<bool>(m_node[key]); }
  YAML::Node at(const std::string& key) const { return m_node[key]; }
  double positive(const std::string& key) const {
    const YAML::Node v = m_node[key];
    const double x = yaml_scalar<double>(v, key, m_source);
    if (!(x > 0)) throw InputError(yaml_place(v, m_source), fmt::format("'{}' must be > 0", key));
    return x;
  }
  double non_negative(const std::string& key) const {
    const YAML::Node v = m_node[key];
    const double x = yaml_scalar<double>(v, key, m_source);
    if (!(x >= 0)) throw InputError(yaml_place(v, m_source), fmt::format("'{}' must be >= 0", key));
    return x;
  }
  int positive_int(const std::string& key) const {
    const YAML::Node v = m_node[key];
    const int64_t x = yaml_scalar<int64_t>(v, key, m_source);
    if (x <= 0 || x > INT32_MAX)
      throw InputError(yaml_place(v, m_source),
                       fmt::format("'{}' must be an integer in [1, {}]", key, INT32_MAX));
    return static_cast<int>(x);
  }
  int64_t positive_int64(const std::string& key) const {
    const YAML::Node v = m_node[key];
    const int64_t x = yaml_scalar<int64_t>(v, key, m_source);
    if (x <= 0) throw InputError(yaml_place(v, m_source), fmt::format("'{}' must be > 0", key));
    return x;
  }
  std::string text(const std::string& key) const {
    const YAML::Node v = m_node[key];
    std::string s = yaml_scalar<std::string>(v, key, m_source);
    if (s.empty()) throw InputError(yaml_place(v, m_source), fmt::format("'{}' is empty", key));
    return s;
  }

 private:
  YAML::Node m_node;
  const std::string& m_source;
};

void require_list(const YAML::Node& node, const std::string& key, const std::string& source,
                  size_t min_size) {
  if (!node || !node.IsSequence())
    throw InputError(yaml_place(node, source), fmt::format("'{}' must be a list", key));
  if (node.size() < min_size)
    throw InputError(yaml_place(node, source),
                     fmt::format("'{}' needs at least {} entries", key, min_size));
}

Sourced read_sourced(const Mapping& parent, const std::string& key, const std::string& source,
                     bool allow_zero = false) {
  const Mapping m(parent.at(key), source, {"value", "source"}, {"value", "source"});
  return {allow_zero ? m.non_negative("value") : m.positive("value"), m.text("source")};
}

UnitPoint read_unit_point(const YAML::Node& node, const std::string& source, size_t operands) {
  const Mapping m(node, source, {"bits", "energy_pj", "area_um2", "source"},
                  {"bits", "energy_pj", "area_um2", "source"});
  UnitPoint p;
  const YAML::Node bits = m.at("bits");
  if (operands == 1) {
    p.bits = {m.positive_int("bits")};
  } else {
    if (!bits.IsSequence() || bits.size() != operands)
      throw InputError(yaml_place(bits, source),
                       fmt::format("'bits' must be a list of {} widths", operands));
    for (const YAML::Node& b : bits) {
      const int w = yaml_scalar<int>(b, "bits", source);
      if (w <= 0) throw InputError(yaml_place(b, source), "'bits' must be positive");
      p.bits.push_back(w);
    }
  }
  p.energy_pj = m.positive("energy_pj");
  p.area_um2 = m.positive("area_um2");
  p.source = m.text("source");
  return p;
}

std::vector<UnitPoint> read_unit_points(const YAML::Node& node, const std::string& key,
                                        const std::string& source, size_t operands,
                                        size_t min_size) {
  require_list(node, key, source, min_size);
  std::vector<UnitPoint> out;
  for (const YAML::Node& p : node) out.push_back(read_unit_point(p, source, operands));
  return out;
}

SramPoint read_sram_point(const YAML::Node& node, const std::string& source, bool area) {
  const std::string what = area ? "area_um2" : "energy_pj";
  std::vector<std::string> keys{"bytes", "word_bits", what, "source"};
  if (area) keys.push_back("banks");
  const Mapping m(node, source, keys, {"bytes", "word_bits", what, "source"});
  SramPoint p;
  p.bytes = m.positive_int64("bytes");
  p.word_bits = m.positive_int("word_bits");
  if (area && m.has("banks")) p.banks = m.positive_int("banks");
  (area ? p.area_um2 : p.energy_pj) = m.positive(what);
  p.source = m.text("source");
  return p;
}

void read_units(const Mapping& top, const std::string& source, TechnologyTable& t) {
  const Mapping adder(top.at("adder"), source, {"anchors", "checks"}, {"anchors"});
  t.adder_anchors = read_unit_points(adder.at("anchors"), "adder.anchors", source, 1, 2);
  if (t.adder_anchors.size() != 2 || t.adder_anchors[0].bits == t.adder_anchors[1].bits)
    throw InputError(yaml_place(adder.at("anchors"), source),
                     "'adder.anchors' must hold exactly two points of different widths");
  if (adder.has("checks"))
    t.adder_checks = read_unit_points(adder.at("checks"), "adder.checks", source, 1, 0);

  const Mapping mult(top.at("multiplier"), source, {"anchors"}, {"anchors"});
  t.multiplier_anchors = read_unit_points(mult.at("anchors"), "multiplier.anchors", source, 2, 2);
  const auto product = [](const UnitPoint& p) { return int64_t{p.bits[0]} * p.bits[1]; };
  if (t.multiplier_anchors.size() != 2 ||
      product(t.multiplier_anchors[0]) == product(t.multiplier_anchors[1]))
    throw InputError(yaml_place(mult.at("anchors"), source),
                     "'multiplier.anchors' must hold exactly two points of different a*b");
}

void read_sram(const Mapping& top, const std::string& source, TechnologyTable& t) {
  const Mapping sram(top.at("sram"), source,
                     {"anchor", "energy_points", "area_points", "write_to_read_energy",
                      "extra_port_area", "leakage_nw_per_bit"},
                     {"anchor", "energy_points", "area_points", "write_to_read_energy",
                      "extra_port_area", "leakage_nw_per_bit"});
  t.sram_anchor = read_sram_point(sram.at("anchor"), source, false);
  const YAML::Node energy = sram.at("energy_points");
  require_list(energy, "sram.energy_points", source, 1);
  for (const YAML::Node& p : energy) {
    t.sram_energy_points.push_back(read_sram_point(p, source, false));
    if (t.sram_energy_points.back().bytes == t.sram_anchor.bytes)
      throw InputError(yaml_place(p, source),
                       "an energy point at the anchor's capacity cannot fit the exponent");
  }
  const YAML::Node area = sram.at("area_points");
  require_list(area, "sram.area_points", source, 2);
  for (const YAML::Node& p : area) t.sram_area_points.push_back(read_sram_point(p, source, true));
  const SramPoint& a = t.sram_area_points[0];
  const SramPoint& b = t.sram_area_points.size() == 2 ? t.sram_area_points[1] : a;
  // a_bit*bits + a_bank*banks must be solvable from the two points: a non-zero determinant.
  if (t.sram_area_points.size() != 2 || a.bytes * b.banks == b.bytes * a.banks)
    throw InputError(yaml_place(area, source),
                     "'sram.area_points' must hold exactly two points with different "
                     "bytes-per-bank ratios (they fix area per bit and per bank)");
  t.sram_write_to_read_energy = read_sourced(sram, "write_to_read_energy", source);
  t.sram_extra_port_area = read_sourced(sram, "extra_port_area", source, true);
  t.sram_leakage_nw_per_bit = read_sourced(sram, "leakage_nw_per_bit", source, true);
}

void read_scaling(const Mapping& top, const std::string& source, TechnologyTable& t) {
  const YAML::Node list = top.at("scaling");
  require_list(list, "scaling", source, 1);
  bool has_own_node = false;
  for (const YAML::Node& node : list) {
    const Mapping m(node, source, {"node_nm", "area", "energy", "source"},
                    {"node_nm", "area", "energy", "source"});
    NodeScaling s{m.positive("node_nm"), m.positive("area"), m.positive("energy"),
                  m.text("source")};
    if (s.node_nm == t.node_nm) {
      has_own_node = true;
      if (s.area != 1 || s.energy != 1)
        throw InputError(yaml_place(node, source),
                         "the row of the table's own node must have area and energy 1");
    }
    for (const NodeScaling& other : t.scaling)
      if (other.node_nm == s.node_nm)
        throw InputError(yaml_place(node, source),
                         fmt::format("node {} nm is listed twice", s.node_nm));
    t.scaling.push_back(std::move(s));
  }
  if (!has_own_node)
    throw InputError(yaml_place(list, source),
                     fmt::format("'scaling' needs a row for the table's node {} nm", t.node_nm));
  std::sort(t.scaling.begin(), t.scaling.end(),
            [](const NodeScaling& a, const NodeScaling& b) { return a.node_nm > b.node_nm; });
}

void read_dram(const Mapping& top, const std::string& source, TechnologyTable& t) {
  const YAML::Node list = top.at("dram");
  require_list(list, "dram", source, 1);
  for (const YAML::Node& node : list) {
    const Mapping m(node, source, {"type", "energy_pj_per_bit", "source"},
                    {"type", "energy_pj_per_bit", "source"});
    t.dram.push_back({m.text("type"), m.positive("energy_pj_per_bit"), m.text("source")});
  }
  const bool known = std::any_of(t.dram.begin(), t.dram.end(),
                                 [&](const DramEnergy& d) { return d.type == t.dram_type; });
  if (!known)
    throw InputError(yaml_place(top.at("dram_type"), source),
                     fmt::format("dram_type '{}' is not in the 'dram' list", t.dram_type));
}

}  // namespace

TechnologyTable parse_technology_table(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = load_yaml_text(yaml_text, source);
  const std::vector<std::string> keys{"name",
                                      "node_nm",
                                      "voltage_v",
                                      "dram_type",
                                      "adder",
                                      "multiplier",
                                      "sram",
                                      "register_file",
                                      "register",
                                      "xnor",
                                      "logic_leakage_nw_per_um2",
                                      "scaling",
                                      "dram"};
  const Mapping top(root, source, keys, keys);
  TechnologyTable t;
  t.origin = source;
  t.name = top.text("name");
  t.node_nm = top.positive("node_nm");
  t.voltage_v = top.positive("voltage_v");
  t.dram_type = top.text("dram_type");
  read_units(top, source, t);
  read_sram(top, source, t);

  const Mapping rf(top.at("register_file"), source,
                   {"alu_ratio", "reference_bytes", "area_um2_per_bit"},
                   {"alu_ratio", "reference_bytes", "area_um2_per_bit"});
  t.rf_alu_ratio = read_sourced(rf, "alu_ratio", source);
  t.rf_reference_bytes = read_sourced(rf, "reference_bytes", source);
  t.rf_area_um2_per_bit = read_sourced(rf, "area_um2_per_bit", source);
  const Mapping reg(top.at("register"), source, {"energy_pj_per_bit", "area_um2_per_bit"},
                    {"energy_pj_per_bit", "area_um2_per_bit"});
  t.register_energy_pj_per_bit = read_sourced(reg, "energy_pj_per_bit", source);
  t.register_area_um2_per_bit = read_sourced(reg, "area_um2_per_bit", source);
  const Mapping xnor(top.at("xnor"), source, {"energy_pj_per_bit", "area_um2_per_bit"},
                     {"energy_pj_per_bit", "area_um2_per_bit"});
  t.xnor_energy_pj_per_bit = read_sourced(xnor, "energy_pj_per_bit", source);
  t.xnor_area_um2_per_bit = read_sourced(xnor, "area_um2_per_bit", source);
  t.logic_leakage_nw_per_um2 = read_sourced(top, "logic_leakage_nw_per_um2", source, true);

  read_scaling(top, source, t);
  read_dram(top, source, t);
  return t;
}

TechnologyTable load_technology_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the technology file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_technology_table(buffer.str(), path);
}

const std::string& default_technology_yaml() {
  static const std::string text(kDefaultTechnologyYaml);
  return text;
}

const TechnologyTable& default_technology_table() {
  static const TechnologyTable table =
      parse_technology_table(default_technology_yaml(), "built-in configs/tech/horowitz45.yaml");
  return table;
}

}  // namespace qasim::sim::cost
