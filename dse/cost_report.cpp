#include "dse/cost_report.h"

#include <fmt/format.h>

#include "dse/table.h"

namespace qasim::dse {

namespace cost = sim::cost;

namespace {

// What the model leaves out, carried with every report so no figure is read as more.
const std::vector<std::string>& model_notes() {
  static const std::vector<std::string> notes{
      "clock tree, control logic, wiring and off-chip PHY (inventory kind 'interface') are "
      "not modeled",
      "energy per action from configs/tech tables (sources there); see sim/cost/primitives.h"};
  return notes;
}

nlohmann::json energy_json(const cost::LayerCost& c) {
  return {{"compute", c.compute_pj}, {"register_file", c.register_file_pj},
          {"sram", c.sram_pj},       {"dram", c.dram_pj},
          {"leakage", c.leakage_pj}, {"dynamic", c.dynamic_pj()},
          {"total", c.total_pj()}};
}

std::string pj(double v) {
  return v == 0 ? "0" : human_count(v);
}
std::string percent(double part, double whole) {
  return whole > 0 ? fmt::format("{:.1f}", 100 * part / whole) : "";
}

// A flag's value as a number; UsageError for anything else.
double number(const std::string& text, const std::string& flag) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw UsageError(fmt::format("{} '{}' is not a number", flag, text));
  return v;
}

}  // namespace

void CostOptions::add_to(po::options_description& options) {
  options.add_options()("tech", po::value(&tech_file),
                        "technology table .yaml for the cost model (default: the built-in "
                        "45 nm Horowitz table, configs/tech/horowitz45.yaml)")(
      "node", po::value(&node_nm),
      "technology node in nm for the cost (default: the table's; scaled with its factors)")(
      "voltage", po::value(&voltage_v),
      "supply in V for the cost (default: the table's; energy scales with V^2)")(
      "dram", po::value(&dram), "DRAM type priced (ddr4, lpddr4, hbm2, ...; default: the table's)");
}

cost::Technology CostOptions::technology() const {
  const cost::TechnologyTable table =
      tech_file.empty() ? cost::default_technology_table() : cost::load_technology_table(tech_file);
  cost::Technology t = cost::at_table_node(table);
  if (!node_nm.empty()) t = cost::with_node(t, number(node_nm, "--node"));
  if (!voltage_v.empty()) t = cost::with_voltage(t, number(voltage_v, "--voltage"));
  if (!dram.empty()) t = cost::with_dram(t, dram);
  return t;
}

cost::CostReport cost_of_run(const arch::RunResult& run, const arch::Accelerator& accel,
                             const cost::Technology& tech) {
  cost::RunTiming timing;
  timing.total_cycles = run.cycles;
  timing.clock_mhz = accel.clock_mhz();
  for (const arch::LayerResult& l : run.layers) timing.layers.push_back({l.name, l.cycles, l.macs});
  return cost::evaluate(run.actions, accel.inventory(), tech, timing);
}

nlohmann::json cost_json(const cost::CostReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const cost::LayerCost& c : r.layers)
    layers.push_back({{"name", c.layer},
                      {"cycles", c.cycles},
                      {"macs", c.macs},
                      {"energy_pj", energy_json(c)},
                      {"components_pj", c.by_component}});
  nlohmann::json sram = nlohmann::json::object();
  nlohmann::json classes = nlohmann::json::object();
  for (const auto& [component, cls] : r.component_class) {
    classes[component] = cost::to_string(cls);
    if (cls == cost::CostClass::Sram) sram[component] = r.total.by_component.at(component);
  }
  nlohmann::json area = nlohmann::json::array();
  for (const cost::ComponentArea& a : r.area)
    area.push_back({{"component", a.component},
                    {"kind", a.kind},
                    {"count", a.count},
                    {"area_um2", a.area_um2},
                    {"leakage_mw", a.leakage_mw}});
  return {
      {"technology",
       {{"table", r.technology},
        {"node_nm", r.node_nm},
        {"voltage_v", r.voltage_v},
        {"dram_type", r.dram_type}}},
      {"clock_mhz", r.clock_mhz},
      {"layers", layers},
      {"total",
       {{"energy_pj", energy_json(r.total)},
        {"components_pj", r.total.by_component},
        {"component_class", classes},
        {"sram_by_buffer_pj", sram}}},
      {"area", {{"total_um2", r.area_um2}, {"total_mm2", r.area_um2 * 1e-6}, {"components", area}}},
      {"leakage_mw", r.leakage_mw},
      {"cycles", r.cycles},
      {"latency_s", r.seconds},
      {"frames_per_second", r.frames_per_second},
      {"macs", r.macs},
      {"gops", r.gops},
      {"tops_per_watt", r.tops_per_watt},
      {"gops_per_mm2", r.gops_per_mm2},
      {"pj_per_mac", r.pj_per_mac},
      {"energy_per_inference_j", r.energy_per_inference_j},
      {"average_power_mw", r.average_power_mw},
      {"notes", model_notes()}};
}

std::string cost_summary(const cost::CostReport& r) {
  std::string out = fmt::format("cost: {} at {} nm, {} V, DRAM {}\n\n", r.technology, r.node_nm,
                                r.voltage_v, r.dram_type);
  Table layers(
      {"layer", "compute pJ", "RF pJ", "SRAM pJ", "DRAM pJ", "leak pJ", "total pJ", "pJ/MAC"});
  const auto row = [](const cost::LayerCost& c) {
    return std::vector<std::string>{
        c.layer,
        pj(c.compute_pj),
        pj(c.register_file_pj),
        pj(c.sram_pj),
        pj(c.dram_pj),
        pj(c.leakage_pj),
        pj(c.total_pj()),
        c.macs ? fmt::format("{:.3f}", c.total_pj() / double(c.macs)) : ""};
  };
  for (const cost::LayerCost& c : r.layers)
    if (c.dynamic_pj() > 0) layers.add_row(row(c));
  layers.add_separator();
  layers.add_row(row(r.total));
  out += layers.render();

  Table parts(
      {"component", "kind", "class", "energy pJ", "energy %", "area mm2", "area %", "leak mW"});
  const double total = r.total.dynamic_pj();
  for (const cost::ComponentArea& a : r.area) {
    const auto e = r.total.by_component.find(a.component);
    const double energy = e == r.total.by_component.end() ? 0 : e->second;
    const auto cls = r.component_class.find(a.component);
    parts.add_row({a.component, a.kind,
                   cls == r.component_class.end() ? "" : cost::to_string(cls->second), pj(energy),
                   percent(energy, total), fmt::format("{:.4f}", a.area_um2 * 1e-6),
                   percent(a.area_um2, r.area_um2), fmt::format("{:.3f}", a.leakage_mw)});
  }
  parts.add_separator();
  parts.add_row({"total", "", "", pj(total), "100.0", fmt::format("{:.4f}", r.area_um2 * 1e-6),
                 "100.0", fmt::format("{:.3f}", r.leakage_mw)});
  out += "\n";
  out += parts.render();
  const double all = r.total.total_pj();
  const double leak_share = all > 0 ? 100 * r.total.leakage_pj / all : 0;
  out += fmt::format(
      "\nenergy/inference {:.3f} uJ ({:.1f}% leakage), {:.3f} pJ/MAC, average power {:.2f} mW\n"
      "latency {:.3f} ms, {:.1f} frames/s, {:.2f} GOPS (1 MAC = 2 ops), {:.3f} TOPS/W, "
      "{:.2f} GOPS/mm2, area {:.3f} mm2\n",
      r.energy_per_inference_j * 1e6, leak_share, r.pj_per_mac, r.average_power_mw, r.seconds * 1e3,
      r.frames_per_second, r.gops, r.tops_per_watt, r.gops_per_mm2, r.area_um2 * 1e-6);
  for (const std::string& note : model_notes()) {
    out += "note: ";  // += each: GCC 12 warns falsely (-Wrestrict) on "literal" + string
    out += note;
    out += "\n";
  }
  return out;
}

}  // namespace qasim::dse
