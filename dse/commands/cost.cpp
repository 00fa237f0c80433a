// qasim cost: prices a design described by hand (inventory + actions, dse/cost_design.h)
// with the cost model, or prints the built-in technology table to start a custom one.
#include <fmt/format.h>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/cost_design.h"
#include "dse/cost_report.h"
#include "sim/cost/technology.h"

namespace qasim::dse {

int cmd_cost(const std::vector<std::string>& args) {
  std::string design_file, json_file;
  bool print_tech = false;
  CostOptions cost;
  po::options_description options("options");
  cost.add_to(options);
  options.add_options()("design", po::value(&design_file),
                        "design .yaml: inventory, per-layer actions, cycles, clock")(
      "json", po::value(&json_file), "also write the cost as JSON to FILE")(
      "print-tech", po::bool_switch(&print_tech),
      "print the built-in technology table (a starting point for --tech FILE)");
  po::positional_options_description positional;
  positional.add("design", 1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim cost DESIGN.yaml [--tech FILE] [--node NM] [--voltage V]\n"
                  "                  [--dram TYPE] [--json FILE]\n"
                  "       qasim cost --print-tech > my_node.yaml\n\n"
                  "Energy, area, leakage and efficiency of a design described by its inventory\n"
                  "and action counts (see dse/cost_design.h for the format).",
                  options, positional, vm))
    return kExitOk;
  if (print_tech) {
    fmt::print("{}", sim::cost::default_technology_yaml());
    return kExitOk;
  }
  if (design_file.empty()) throw UsageError("a design .yaml is required");
  const sim::cost::Technology tech = cost.technology();
  const CostDesign design = load_cost_design(design_file);
  const sim::cost::CostReport report =
      sim::cost::evaluate(design.actions, design.inventory, tech, design.timing);
  fmt::print("{}\n{}", design.name, cost_summary(report));
  if (!json_file.empty()) {
    nlohmann::json j = cost_json(report);
    j["design"] = design.name;
    write_file_atomically(json_file, j.dump(2) + "\n");
  }
  return kExitOk;
}

}  // namespace qasim::dse
