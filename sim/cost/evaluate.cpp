#include "sim/cost/evaluate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unordered_map>

#include "sim/cost/primitives.h"
#include "workloads/errors.h"

namespace qasim::sim::cost {

using workloads::InputError;

namespace {

constexpr const char* kWhere = "cost model";

// Checks that `bits` holds `n` widths in [1, max] and returns them. Arithmetic is at most
// 64 bits wide; memory words (a bank row) may be up to 4096.
constexpr int kMaxWordBits = 4096;
const std::vector<int>& widths(const std::vector<int>& bits, size_t n, const std::string& what,
                               int max = 64) {
  if (bits.size() != n)
    throw InputError(kWhere, fmt::format("{} needs {} width(s) in bits, got [{}]", what, n,
                                         fmt::join(bits, ", ")));
  for (int b : bits)
    if (b < 1 || b > max)
      throw InputError(kWhere, fmt::format("{} has width {} outside [1, {}]", what, b, max));
  return bits;
}

// Capacity of one memory instance in bytes: `size` in "bytes", or in "entries"/"words" of
// bits[0] bits each.
int64_t capacity_bytes(const InventoryItem& item, const std::string& what) {
  const int word = widths(item.bits, 1, what, kMaxWordBits)[0];
  if (item.size <= 0) throw InputError(kWhere, what + " needs a size > 0");
  if (item.unit == "bytes") return item.size;
  if (item.unit == "entries" || item.unit == "words") return (item.size * word + 7) / 8;
  throw InputError(kWhere, fmt::format("{} gives its size in '{}'; expected bytes, entries or "
                                       "words",
                                       what, item.unit));
}

MemoryShape memory_shape(const InventoryItem& item) {
  const std::string what = fmt::format("memory '{}'", item.component);
  if (item.banks < 1 || item.ports < 1)
    throw InputError(kWhere, fmt::format("{} needs banks >= 1 and ports >= 1", what));
  const int64_t bytes = capacity_bytes(item, what);
  return {bytes, item.bits[0], item.banks, item.ports};
}

void require_kind(const InventoryItem& item, std::initializer_list<const char*> kinds,
                  const std::string& action) {
  for (const char* k : kinds)
    if (item.kind == k) return;
  throw InputError(kWhere,
                   fmt::format("action '{}' needs component '{}' to be a {}, but the "
                               "inventory lists it as '{}'",
                               action, item.component, fmt::join(kinds, " or "), item.kind));
}

}  // namespace

std::string to_string(CostClass c) {
  switch (c) {
    case CostClass::Compute:
      return "compute";
    case CostClass::RegisterFile:
      return "register_file";
    case CostClass::Sram:
      return "sram";
    case CostClass::Dram:
      return "dram";
  }
  return "?";
}

CostClass cost_class_of(const std::string& kind) {
  static const std::unordered_map<std::string, CostClass> classes{
      {"mac", CostClass::Compute},
      {"mult", CostClass::Compute},
      {"add", CostClass::Compute},
      {"shift_add", CostClass::Compute},
      {"xnor_popcount", CostClass::Compute},
      {"comparator", CostClass::Compute},
      {"register_write", CostClass::Compute},
      {"lut_read", CostClass::RegisterFile},
      {"lut_write", CostClass::RegisterFile},
      {"rf_read", CostClass::RegisterFile},
      {"rf_write", CostClass::RegisterFile},
      {"sram_read", CostClass::Sram},
      {"sram_write", CostClass::Sram},
      {"dram_read", CostClass::Dram},
      {"dram_write", CostClass::Dram}};
  const auto it = classes.find(kind);
  if (it == classes.end())
    throw InputError(kWhere, fmt::format("unknown action kind '{}' (sim/cost/actions.h lists "
                                         "the kinds the model prices)",
                                         kind));
  return it->second;
}

double action_energy(const std::string& kind, const std::vector<int>& bits,
                     const InventoryItem& item, const Primitives& m) {
  const std::string what = fmt::format("action '{}' of '{}'", kind, item.component);
  if (kind == "mac") {
    const auto& b = widths(bits, 3, what);
    return m.mac_energy(b[0], b[1], b[2]);
  }
  if (kind == "mult") {
    const auto& b = widths(bits, 2, what);
    return m.mult_energy(b[0], b[1]);
  }
  if (kind == "add") return m.add_energy(widths(bits, 1, what)[0]);
  if (kind == "shift_add") return m.shift_add_energy(widths(bits, 1, what)[0]);
  if (kind == "comparator") return m.comparator_energy(widths(bits, 1, what)[0]);
  if (kind == "register_write") return m.register_energy(widths(bits, 1, what)[0]);
  if (kind == "xnor_popcount") {
    if (bits.size() != 1 || bits[0] < 1 || bits[0] > 65536)
      throw InputError(kWhere, fmt::format("{} needs one vector width in [1, 65536]", what));
    return m.xnor_popcount_energy(bits[0]);
  }
  if (kind == "lut_read" || kind == "lut_write") {
    if (bits.size() != 2 || bits[0] < 1 || bits[0] > 64 || bits[1] < 1 || bits[1] > 65536)
      throw InputError(kWhere,
                       fmt::format("{} needs {{entry bits in [1, 64], entries in [1, 65536]}}, "
                                   "got [{}]",
                                   what, fmt::join(bits, ", ")));
    return m.lut_access_energy(bits[0], bits[1]);
  }
  if (kind == "rf_read" || kind == "rf_write") {
    require_kind(item, {"register_file", "lut"}, kind);
    const int word = widths(bits, 1, what, kMaxWordBits)[0];
    return m.rf_access_energy(
        capacity_bytes(item, fmt::format("register file '{}'", item.component)), word);
  }
  if (kind == "sram_read" || kind == "sram_write") {
    require_kind(item, {"sram"}, kind);
    const int word = widths(bits, 1, what, kMaxWordBits)[0];
    const MemoryShape shape = memory_shape(item);
    return kind == "sram_read" ? m.sram_read_energy(shape, word) : m.sram_write_energy(shape, word);
  }
  if (kind == "dram_read" || kind == "dram_write") return m.dram_energy_per_byte();
  cost_class_of(kind);  // throws: unknown kind
  throw InputError(kWhere, fmt::format("action kind '{}' has no energy model", kind));
}

ComponentArea item_cost(const InventoryItem& item, const Primitives& m) {
  const std::string what = fmt::format("inventory item '{}' ({})", item.component, item.kind);
  if (item.count < 0) throw InputError(kWhere, what + " has a negative count");
  double area = 0, leak = -1;  // per instance; leak < 0: logic leakage from the area
  const std::string& k = item.kind;
  if (k == "mac") {
    const auto& b = widths(item.bits, 3, what);
    area = m.mac_area(b[0], b[1], b[2]);
  } else if (k == "adder") {
    area = m.add_area(widths(item.bits, 1, what)[0]);
  } else if (k == "multiplier") {
    const auto& b = widths(item.bits, 2, what);
    area = m.mult_area(b[0], b[1]);
  } else if (k == "shift_add") {
    area = m.shift_add_area(widths(item.bits, 1, what)[0]);
  } else if (k == "comparator") {
    area = m.comparator_area(widths(item.bits, 1, what)[0]);
  } else if (k == "register") {
    area = m.register_area(widths(item.bits, 1, what)[0]);
  } else if (k == "xnor_popcount") {
    if (item.bits.size() != 1 || item.bits[0] < 1)
      throw InputError(kWhere, what + " needs one vector width");
    area = m.xnor_popcount_area(item.bits[0]);
  } else if (k == "register_file" || k == "lut") {
    area = m.rf_area(capacity_bytes(item, what));
  } else if (k == "sram") {
    const MemoryShape shape = memory_shape(item);
    area = m.sram_area(shape);
    leak = m.sram_leakage_mw(shape);
  } else if (k == "interface") {
    area = 0;  // off-chip memory PHY and controller: not modeled (stated in reports)
    leak = 0;
  } else {
    throw InputError(kWhere, fmt::format("{}: unknown inventory kind '{}' (sim/cost/actions.h "
                                         "lists the kinds the model prices)",
                                         what, k));
  }
  if (leak < 0) leak = m.logic_leakage_mw(area);
  const double n = static_cast<double>(item.count);
  return {item.component, item.kind, item.count, n * area, n * leak};
}

CostReport evaluate(const std::vector<LayerActions>& actions,
                    const std::vector<InventoryItem>& inventory, const Technology& tech,
                    const RunTiming& timing) {
  if (!(timing.clock_mhz > 0)) throw InputError(kWhere, "the clock must be > 0 MHz");
  const Primitives model(tech);
  CostReport r;
  r.technology = fmt::format("{} ({})", tech.table.name, tech.table.origin);
  r.node_nm = tech.node_nm;
  r.voltage_v = tech.voltage_v;
  r.dram_type = tech.dram_type;
  r.clock_mhz = timing.clock_mhz;

  std::unordered_map<std::string, const InventoryItem*> items;
  for (const InventoryItem& item : inventory) {
    if (!items.emplace(item.component, &item).second)
      throw InputError(kWhere, fmt::format("the inventory lists '{}' twice", item.component));
    r.area.push_back(item_cost(item, model));
    r.area_um2 += r.area.back().area_um2;
    r.leakage_mw += r.area.back().leakage_mw;
  }
  // Leakage energy (pJ) over `cycles`: mW x cycles / MHz x 1e3.
  const auto leakage_pj = [&](uint64_t cycles) {
    return r.leakage_mw * static_cast<double>(cycles) * 1e3 / timing.clock_mhz;
  };

  std::unordered_map<std::string, size_t> layer_index;
  for (const LayerWork& w : timing.layers) {
    layer_index.emplace(w.name, r.layers.size());
    LayerCost c;
    c.layer = w.name;
    c.cycles = w.cycles;
    c.macs = w.macs;
    c.leakage_pj = leakage_pj(w.cycles);
    r.layers.push_back(std::move(c));
  }
  for (const LayerActions& la : actions) {
    const auto at = layer_index.find(la.layer);
    if (at == layer_index.end())
      throw InputError(kWhere,
                       fmt::format("actions for layer '{}', which the timing lacks", la.layer));
    LayerCost& c = r.layers[at->second];
    for (const Action& a : la.actions) {
      const auto item = items.find(a.component);
      if (item == items.end())
        throw InputError(kWhere, fmt::format("layer '{}': action '{}' names component '{}', "
                                             "which the inventory does not list",
                                             la.layer, a.kind, a.component));
      const CostClass cls = cost_class_of(a.kind);
      const double pj =
          action_energy(a.kind, a.bits, *item->second, model) * static_cast<double>(a.count);
      r.component_class[a.component] = cls;
      c.by_component[a.component] += pj;
      switch (cls) {
        case CostClass::Compute:
          c.compute_pj += pj;
          break;
        case CostClass::RegisterFile:
          c.register_file_pj += pj;
          break;
        case CostClass::Sram:
          c.sram_pj += pj;
          break;
        case CostClass::Dram:
          c.dram_pj += pj;
          break;
      }
    }
  }

  LayerCost& t = r.total;
  t.layer = "total";
  for (const LayerCost& c : r.layers) {
    t.macs += c.macs;
    t.compute_pj += c.compute_pj;
    t.register_file_pj += c.register_file_pj;
    t.sram_pj += c.sram_pj;
    t.dram_pj += c.dram_pj;
    for (const auto& [component, pj] : c.by_component) t.by_component[component] += pj;
  }
  t.cycles = timing.total_cycles;
  t.leakage_pj = leakage_pj(timing.total_cycles);

  r.cycles = timing.total_cycles;
  r.seconds = static_cast<double>(timing.total_cycles) / (timing.clock_mhz * 1e6);
  r.frames_per_second = r.seconds > 0 ? 1.0 / r.seconds : 0;
  r.macs = t.macs;
  const double ops = 2.0 * static_cast<double>(t.macs);
  const double joules = t.total_pj() * 1e-12;
  r.energy_per_inference_j = joules;
  r.gops = r.seconds > 0 ? ops / r.seconds * 1e-9 : 0;
  r.tops_per_watt = joules > 0 ? ops / joules * 1e-12 : 0;
  r.gops_per_mm2 = r.area_um2 > 0 ? r.gops / (r.area_um2 * 1e-6) : 0;
  r.pj_per_mac = t.macs > 0 ? t.total_pj() / static_cast<double>(t.macs) : 0;
  r.average_power_mw = r.seconds > 0 ? joules / r.seconds * 1e3 : 0;
  return r;
}

}  // namespace qasim::sim::cost
