// A design described by hand for the cost model: what an accelerator is built of and what
// it did, without a simulator behind it (published chips for validation, quick what-ifs).
// YAML (JSON is YAML too):
//   name: eie_pe
//   clock_mhz: 800
//   cycles: 800000000          # of the whole run
//   inventory:                 # sim/cost/actions.h InventoryItem fields
//     - {component: spmat, kind: sram, count: 1, size: 131072, unit: bytes, bits: [64]}
//   layers:
//     - name: steady_state
//       cycles: 800000000
//       macs: 800000000
//       actions:               # sim/cost/actions.h Action fields
//         - {component: spmat, kind: sram_read, bits: [64], count: 100000000}
// Unknown keys and wrong types are InputErrors naming the file, line and column.
#pragma once

#include <string>
#include <vector>

#include "sim/cost/evaluate.h"

namespace qasim::dse {

struct CostDesign {
  std::string name;
  std::vector<sim::cost::InventoryItem> inventory;
  std::vector<sim::cost::LayerActions> actions;
  sim::cost::RunTiming timing;
};

CostDesign load_cost_design(const std::string& path);

}  // namespace qasim::dse
