// A technology table: the published points the cost model is fitted to (adder, multiplier,
// SRAM), the per-bit figures of registers, register files and gates, node scaling factors
// and DRAM energies, each with its source. Read from YAML (configs/tech/*.yaml); the
// default table is compiled into the binary. A Technology also holds the node and supply
// the costs are wanted at (by default the table's own).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qasim::sim::cost {

// A number and where it comes from.
struct Sourced {
  double value = 0;
  std::string source;
};

// One published cost of an arithmetic unit: bits = {width} (adder) or {a, b} (multiplier).
struct UnitPoint {
  std::vector<int> bits;
  double energy_pj = 0;
  double area_um2 = 0;
  std::string source;
};

// One published SRAM figure: read energy of a word, or area of the whole array.
struct SramPoint {
  int64_t bytes = 0;
  int word_bits = 0;
  int banks = 1;
  double energy_pj = 0;  // energy points
  double area_um2 = 0;   // area points
  std::string source;
};

struct NodeScaling {
  double node_nm = 0;
  double area = 1;    // area factor relative to the table's node
  double energy = 1;  // energy factor at a fixed supply
  std::string source;
};

struct DramEnergy {
  std::string type;  // "ddr4", "lpddr4", "hbm2", ...
  double pj_per_bit = 0;
  std::string source;
};

struct TechnologyTable {
  std::string name;
  std::string origin;  // file (or "built-in") it was read from, for reports
  double node_nm = 45;
  double voltage_v = 0.9;
  std::string dram_type;

  std::vector<UnitPoint> adder_anchors;  // exactly two, different widths
  std::vector<UnitPoint> adder_checks;   // published points the fit is compared with
  std::vector<UnitPoint> multiplier_anchors;

  SramPoint sram_anchor;
  std::vector<SramPoint> sram_energy_points;
  std::vector<SramPoint> sram_area_points;  // exactly two
  Sourced sram_write_to_read_energy, sram_extra_port_area, sram_leakage_nw_per_bit;

  Sourced rf_alu_ratio, rf_reference_bytes, rf_area_um2_per_bit;
  Sourced register_energy_pj_per_bit, register_area_um2_per_bit;
  Sourced xnor_energy_pj_per_bit, xnor_area_um2_per_bit;
  Sourced logic_leakage_nw_per_um2;

  std::vector<NodeScaling> scaling;  // sorted by node, largest first
  std::vector<DramEnergy> dram;
};

// A table plus the node, supply and DRAM type the costs are evaluated at.
struct Technology {
  TechnologyTable table;
  double node_nm = 45;
  double voltage_v = 0.9;
  std::string dram_type;

  // Area and energy factors from the table's node to node_nm: a table row, or log-log
  // interpolation between the two rows around it. InputError outside the table's range.
  double area_factor() const;
  double energy_factor() const;    // includes (voltage_v / table voltage)^2
  double dram_pj_per_bit() const;  // InputError naming the type when the table lacks it
};

// Parses a technology table. Unknown keys, missing keys, wrong types and inconsistent
// points throw workloads::InputError naming `source`, line and column.
TechnologyTable parse_technology_table(const std::string& yaml_text, const std::string& source);
TechnologyTable load_technology_table(const std::string& path);
// The table compiled into the binary (configs/tech/horowitz45.yaml).
const TechnologyTable& default_technology_table();
const std::string& default_technology_yaml();

// A Technology at the table's own node, voltage and DRAM type.
Technology at_table_node(const TechnologyTable& table);
// Overrides; each is checked (node inside the scaling table, voltage in (0, 2] V, DRAM type
// known) and throws InputError otherwise.
Technology with_node(Technology t, double node_nm);
Technology with_voltage(Technology t, double voltage_v);
Technology with_dram(Technology t, const std::string& type);

}  // namespace qasim::sim::cost
