// The cost model in the CLI: the --tech/--node/--voltage/--dram flags, pricing a run of an
// accelerator, and the cost as JSON (report.json) and as terminal tables.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "arch/accelerator.h"
#include "dse/cli_common.h"
#include "sim/cost/evaluate.h"

namespace qasim::dse {

struct CostOptions {
  std::string tech_file;  // empty: the built-in table
  std::string node_nm;    // empty: the table's node
  std::string voltage_v;  // empty: the table's supply
  std::string dram;       // empty: the table's dram_type

  void add_to(po::options_description& options);
  // The table (InputError naming file and line when bad) at the requested node and supply.
  sim::cost::Technology technology() const;
};

// Prices one run of `accel` (its actions, inventory, per-layer cycles and clock).
sim::cost::CostReport cost_of_run(const arch::RunResult& run, const arch::Accelerator& accel,
                                  const sim::cost::Technology& tech);

nlohmann::json cost_json(const sim::cost::CostReport& report);
// Per-layer energy by class, energy and area by component, and the efficiency figures.
std::string cost_summary(const sim::cost::CostReport& report);

}  // namespace qasim::dse
