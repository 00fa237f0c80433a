#include "sim/cost/technology.h"

#include <fmt/format.h>

#include <cmath>

#include "workloads/errors.h"

namespace qasim::sim::cost {

using workloads::InputError;

namespace {

// Factor (area or energy) at `node` from the scaling rows: a row when one matches, else
// log-log interpolation between the two rows around it (Stillmaker & Baas fit power laws
// between nodes, so straight lines in log(node)-log(factor) follow the published trend).
double interpolate(const TechnologyTable& t, double node, double NodeScaling::*factor) {
  const std::vector<NodeScaling>& rows = t.scaling;  // largest node first
  for (const NodeScaling& r : rows)
    if (r.node_nm == node) return r.*factor;
  for (size_t i = 0; i + 1 < rows.size(); ++i) {
    const NodeScaling& big = rows[i];
    const NodeScaling& small = rows[i + 1];
    if (node < big.node_nm && node > small.node_nm) {
      const double t01 = std::log(big.node_nm / node) / std::log(big.node_nm / small.node_nm);
      return big.*factor * std::pow(small.*factor / big.*factor, t01);
    }
  }
  throw InputError(t.origin, fmt::format("node {} nm is outside the scaling table ({}-{} nm)", node,
                                         rows.back().node_nm, rows.front().node_nm));
}

}  // namespace

double Technology::area_factor() const {
  return interpolate(table, node_nm, &NodeScaling::area);
}

double Technology::energy_factor() const {
  const double v = voltage_v / table.voltage_v;
  return interpolate(table, node_nm, &NodeScaling::energy) * v * v;
}

double Technology::dram_pj_per_bit() const {
  for (const DramEnergy& d : table.dram)
    if (d.type == dram_type) return d.pj_per_bit;
  std::string known;
  for (const DramEnergy& d : table.dram) known += (known.empty() ? "" : ", ") + d.type;
  throw InputError(table.origin,
                   fmt::format("unknown DRAM type '{}' (expected one of: {})", dram_type, known));
}

Technology at_table_node(const TechnologyTable& table) {
  return Technology{table, table.node_nm, table.voltage_v, table.dram_type};
}

Technology with_node(Technology t, double node_nm) {
  t.node_nm = node_nm;
  (void)t.area_factor();  // throws when outside the table
  return t;
}

Technology with_voltage(Technology t, double voltage_v) {
  if (!(voltage_v > 0 && voltage_v <= 2.0))
    throw InputError("--voltage", fmt::format("supply {} V is not in (0, 2] V", voltage_v));
  t.voltage_v = voltage_v;
  return t;
}

Technology with_dram(Technology t, const std::string& type) {
  t.dram_type = type;
  (void)t.dram_pj_per_bit();  // throws for an unknown type
  return t;
}

}  // namespace qasim::sim::cost
