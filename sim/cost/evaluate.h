// The cost of one run: an accelerator's per-layer actions and its inventory, priced with a
// Technology, become energy by component class and component, area by component, leakage,
// latency, throughput and efficiency. No accelerator-specific code: an action kind the
// model does not know, a component missing from the inventory, or widths that do not fit
// the kind are InputErrors naming them (never a silent zero).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/cost/actions.h"
#include "sim/cost/technology.h"

namespace qasim::sim::cost {

class Primitives;

// Where an action's energy is reported.
enum class CostClass { Compute, RegisterFile, Sram, Dram };
std::string to_string(CostClass c);
// The class of an action kind; InputError for a kind the model does not price.
CostClass cost_class_of(const std::string& action_kind);

// What the timing model says about one layer.
struct LayerWork {
  std::string name;
  uint64_t cycles = 0;
  int64_t macs = 0;
};

struct RunTiming {
  std::vector<LayerWork> layers;
  uint64_t total_cycles = 0;  // of the whole run (layers may overlap)
  double clock_mhz = 0;
};

struct LayerCost {
  std::string layer;
  uint64_t cycles = 0;
  int64_t macs = 0;
  double compute_pj = 0, register_file_pj = 0, sram_pj = 0, dram_pj = 0;
  double leakage_pj = 0;                       // leakage power over the layer's cycles
  std::map<std::string, double> by_component;  // dynamic energy of each component (pJ)
  double dynamic_pj() const { return compute_pj + register_file_pj + sram_pj + dram_pj; }
  double total_pj() const { return dynamic_pj() + leakage_pj; }
};

struct ComponentArea {
  std::string component;
  std::string kind;
  int64_t count = 0;
  double area_um2 = 0;    // all instances
  double leakage_mw = 0;  // all instances
};

struct CostReport {
  std::string technology;  // table name and origin
  double node_nm = 0, voltage_v = 0;
  std::string dram_type;
  double clock_mhz = 0;

  std::vector<LayerCost> layers;                     // one per timed layer, in order
  LayerCost total;                                   // sums; leakage over the whole run's cycles
  std::map<std::string, CostClass> component_class;  // of every component that acted

  std::vector<ComponentArea> area;  // one per inventory item
  double area_um2 = 0;
  double leakage_mw = 0;

  uint64_t cycles = 0;
  double seconds = 0;  // latency of one inference
  double frames_per_second = 0;
  int64_t macs = 0;
  double gops = 0;  // 1 MAC = 2 ops
  double tops_per_watt = 0;
  double gops_per_mm2 = 0;
  double pj_per_mac = 0;
  double energy_per_inference_j = 0;
  double average_power_mw = 0;
};

// Prices `actions` (per layer; each layer must appear in `timing`) and `inventory`.
CostReport evaluate(const std::vector<LayerActions>& actions,
                    const std::vector<InventoryItem>& inventory, const Technology& tech,
                    const RunTiming& timing);

// Energy of one action of `kind` with `bits` in `item` (pJ per count unit).
double action_energy(const std::string& kind, const std::vector<int>& bits,
                     const InventoryItem& item, const Primitives& model);
// Area (µm², all instances) and leakage (mW) of one inventory item.
ComponentArea item_cost(const InventoryItem& item, const Primitives& model);

}  // namespace qasim::sim::cost
