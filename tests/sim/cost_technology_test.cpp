// Technology tables: the built-in one loads with every entry sourced; bad files are
// refused with the file, line and problem.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sim/cost/primitives.h"
#include "sim/cost/technology.h"
#include "workloads/errors.h"

namespace qasim::sim::cost {
namespace {

// 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  return at == std::string::npos
             ? -1
             : 1 + static_cast<int>(
                       std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// The error message of parsing `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_technology_table(text, "my_node.yaml");
  } catch (const workloads::InputError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(CostTechnology, BuiltInTableLoadsWithSources) {
  const TechnologyTable& t = default_technology_table();
  EXPECT_EQ(t.name, "horowitz45");
  EXPECT_EQ(t.node_nm, 45);
  EXPECT_EQ(t.voltage_v, 0.9);
  ASSERT_EQ(t.adder_anchors.size(), 2u);
  ASSERT_EQ(t.multiplier_anchors.size(), 2u);
  for (const UnitPoint& p : t.adder_anchors) EXPECT_FALSE(p.source.empty());
  for (const NodeScaling& s : t.scaling) EXPECT_FALSE(s.source.empty());
  for (const DramEnergy& d : t.dram) EXPECT_FALSE(d.source.empty());
  EXPECT_FALSE(t.sram_anchor.source.empty());
  // Largest node first, so interpolation can walk down.
  EXPECT_EQ(t.scaling.front().node_nm, 65);
  EXPECT_EQ(t.scaling.back().node_nm, 7);
  // The compiled-in text is the data file in the source tree.
  std::ifstream in(std::string(QASIM_SOURCE_DIR) + "/configs/tech/horowitz45.yaml");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(file, default_technology_yaml());
}

TEST(CostTechnology, UnknownKeyNamesFileAndLine) {
  const std::string bad = replaced(default_technology_yaml(), "voltage_v: 0.9", "voltage: 0.9");
  const std::string msg = error_of(bad);
  EXPECT_NE(msg.find("my_node.yaml:" + std::to_string(line_of(bad, "voltage: 0.9")) + ":"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("unknown key 'voltage'"), std::string::npos) << msg;
}

TEST(CostTechnology, MissingSourceIsRefused) {
  const std::string bad =
      replaced(default_technology_yaml(), "    value: 1.0\n    source: \"assumption",
               "    value: 1.0\n    note: \"assumption");
  const std::string msg = error_of(bad);
  EXPECT_NE(msg.find("my_node.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("note"), std::string::npos) << msg;
}

TEST(CostTechnology, BadValuesAreRefusedWithTheirPlace) {
  const std::string negative =
      replaced(default_technology_yaml(), "energy_pj: 0.03", "energy_pj: -0.03");
  std::string msg = error_of(negative);
  EXPECT_NE(msg.find("my_node.yaml:" + std::to_string(line_of(negative, "-0.03"))),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("'energy_pj' must be > 0"), std::string::npos) << msg;

  msg = error_of(replaced(default_technology_yaml(), "energy_pj: 0.03", "energy_pj: lots"));
  EXPECT_NE(msg.find("must be a number"), std::string::npos) << msg;

  msg = error_of(replaced(default_technology_yaml(), "dram_type: lpddr4", "dram_type: ddr9"));
  EXPECT_NE(msg.find("dram_type 'ddr9' is not in the 'dram' list"), std::string::npos) << msg;

  // Two adder anchors of the same width cannot fix a line.
  msg = error_of(
      replaced(default_technology_yaml(), "{bits: 32, energy_pj: 0.1", "{bits: 8, energy_pj: 0.1"));
  EXPECT_NE(msg.find("exactly two points of different widths"), std::string::npos) << msg;

  msg = error_of(
      replaced(default_technology_yaml(), "{node_nm: 45, area: 1.0", "{node_nm: 45, area: 0.9"));
  EXPECT_NE(msg.find("must have area and energy 1"), std::string::npos) << msg;

  msg = error_of("name: [unclosed");
  EXPECT_NE(msg.find("my_node.yaml:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;
}

TEST(CostTechnology, ACustomTableRefitsTheModel) {
  // Double both adder anchors: every adder energy doubles (the line through them does).
  std::string text = replaced(default_technology_yaml(), "energy_pj: 0.03,", "energy_pj: 0.06,");
  text = replaced(text, "energy_pj: 0.1,", "energy_pj: 0.2,");
  const Primitives custom(at_table_node(parse_technology_table(text, "my_node.yaml")));
  const Primitives base(at_table_node(default_technology_table()));
  for (int bits : {4, 8, 16, 24, 32})
    EXPECT_NEAR(custom.add_energy(bits), 2 * base.add_energy(bits), 1e-12) << bits;
  EXPECT_NEAR(custom.mult_energy(8, 8), base.mult_energy(8, 8), 1e-12);
}

TEST(CostTechnology, MissingFileIsAnInputError) {
  EXPECT_THROW(load_technology_table("/nonexistent/tech.yaml"), workloads::InputError);
}

TEST(CostTechnology, DramTypeOverride) {
  const Technology t = at_table_node(default_technology_table());
  EXPECT_EQ(t.dram_pj_per_bit(), 8.0);
  EXPECT_EQ(with_dram(t, "hbm2").dram_pj_per_bit(), 3.9);
  EXPECT_EQ(with_dram(t, "ddr4").dram_pj_per_bit(), 20.0);
  EXPECT_THROW(with_dram(t, "sdram"), workloads::InputError);
}

}  // namespace
}  // namespace qasim::sim::cost
