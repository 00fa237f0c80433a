// The evaluator on a hand-made accelerator: totals by class, area, leakage and efficiency
// worked out by hand from the Horowitz anchors; unknown kinds and components are refused.
#include <gtest/gtest.h>

#include "sim/cost/evaluate.h"
#include "workloads/errors.h"

namespace qasim::sim::cost {
namespace {

std::vector<InventoryItem> inventory() {
  return {{"pe", "mac", 4, 1, "MAC", {8, 8, 32}},
          {"buf", "sram", 1, 8192, "bytes", {32}, 1, 1},
          {"dram", "interface", 1, 64, "bytes per burst", {512}}};
}

RunTiming timing() {
  // Two layers, 600 + 400 cycles at 100 MHz; the run takes 1000 cycles = 10 us.
  return {{{"conv1", 600, 300}, {"pool", 400, 100}}, 1000, 100.0};
}

std::vector<LayerActions> actions() {
  return {{"conv1",
           {{"pe", "mac", {8, 8, 32}, 100},
            {"buf", "sram_read", {32}, 10},
            {"dram", "dram_read", {}, 4}}},
          {"pool", {{"pe", "add", {32}, 50}}}};
}

TEST(CostEvaluate, HandComputedTotals) {
  const Technology tech = at_table_node(default_technology_table());
  const CostReport r = evaluate(actions(), inventory(), tech, timing());
  ASSERT_EQ(r.layers.size(), 2u);
  // conv1: 100 MACs x (0.2 + 0.1) = 30 pJ; 10 x 32b reads of 8 KB x 5 pJ = 50 pJ;
  // 4 bytes x 8 bits x 8 pJ/bit (LPDDR4) = 256 pJ.
  const LayerCost& c = r.layers[0];
  EXPECT_NEAR(c.compute_pj, 30.0, 1e-9);
  EXPECT_NEAR(c.sram_pj, 50.0, 1e-9);
  EXPECT_NEAR(c.dram_pj, 256.0, 1e-9);
  EXPECT_NEAR(c.register_file_pj, 0.0, 1e-12);
  EXPECT_NEAR(c.by_component.at("buf"), 50.0, 1e-9);
  // pool: 50 x 32b add = 5 pJ.
  EXPECT_NEAR(r.layers[1].compute_pj, 5.0, 1e-9);
  EXPECT_NEAR(r.total.dynamic_pj(), 341.0, 1e-9);

  // Area: 4 x (282 + 137) = 1676 um^2; SRAM 65536 bits x 0.445216 + 2569.14 = 31746.82.
  EXPECT_NEAR(r.area[0].area_um2, 1676.0, 1e-9);
  EXPECT_NEAR(r.area[1].area_um2, 31746.82, 0.01);
  EXPECT_EQ(r.area[2].area_um2, 0.0);
  EXPECT_NEAR(r.area_um2, 33422.82, 0.01);
  // Leakage: 1676 um^2 x 2 nW + 65536 bits x 0.5 nW = 3.352 + 32.768 uW = 0.03612 mW,
  // over 10 us = 361.2 pJ (conv1's 6 us: 216.72 pJ).
  EXPECT_NEAR(r.leakage_mw, 0.03612, 1e-9);
  EXPECT_NEAR(r.total.leakage_pj, 361.2, 1e-6);
  EXPECT_NEAR(c.leakage_pj, 216.72, 1e-6);

  // 400 MACs = 800 ops in 10 us: 0.08 GOPS; 800 ops / 702.2 pJ = 1.13928 TOPS/W.
  EXPECT_EQ(r.macs, 400);
  EXPECT_NEAR(r.seconds, 1e-5, 1e-15);
  EXPECT_NEAR(r.frames_per_second, 1e5, 1e-6);
  EXPECT_NEAR(r.gops, 0.08, 1e-12);
  EXPECT_NEAR(r.energy_per_inference_j, 702.2e-12, 1e-18);
  EXPECT_NEAR(r.tops_per_watt, 800.0 / 702.2, 1e-9);
  EXPECT_NEAR(r.pj_per_mac, 702.2 / 400, 1e-9);
  EXPECT_NEAR(r.gops_per_mm2, 0.08 / 0.03342282, 1e-5);
  EXPECT_NEAR(r.average_power_mw, 702.2e-12 / 1e-5 * 1e3, 1e-9);
}

TEST(CostEvaluate, ScalesWithTheTechnology) {
  const Technology t45 = at_table_node(default_technology_table());
  const Technology t32 = with_node(t45, 32);
  const CostReport a = evaluate(actions(), inventory(), t45, timing());
  const CostReport b = evaluate(actions(), inventory(), t32, timing());
  // On-chip energy x0.66, area x0.46, DRAM unchanged.
  EXPECT_NEAR(b.total.compute_pj, 0.66 * a.total.compute_pj, 1e-9);
  EXPECT_NEAR(b.total.sram_pj, 0.66 * a.total.sram_pj, 1e-9);
  EXPECT_NEAR(b.total.dram_pj, a.total.dram_pj, 1e-9);
  EXPECT_NEAR(b.area_um2, 0.46 * a.area_um2, 1e-6);
}

std::string error_of(const std::vector<LayerActions>& acts, const std::vector<InventoryItem>& inv) {
  try {
    evaluate(acts, inv, at_table_node(default_technology_table()), timing());
  } catch (const workloads::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(CostEvaluate, RefusesWhatItCannotPrice) {
  std::string msg = error_of({{"conv1", {{"pe", "teleport", {8}, 1}}}}, inventory());
  EXPECT_NE(msg.find("unknown action kind 'teleport'"), std::string::npos) << msg;

  msg = error_of({{"conv1", {{"cbuf", "sram_read", {32}, 1}}}}, inventory());
  EXPECT_NE(msg.find("component 'cbuf', which the inventory does not list"), std::string::npos)
      << msg;

  msg = error_of({{"conv1", {{"pe", "mac", {8, 8}, 1}}}}, inventory());
  EXPECT_NE(msg.find("needs 3 width(s)"), std::string::npos) << msg;

  msg = error_of({{"conv1", {{"pe", "sram_read", {32}, 1}}}}, inventory());
  EXPECT_NE(msg.find("needs component 'pe' to be a sram"), std::string::npos) << msg;

  msg = error_of({{"fc9", {{"pe", "mac", {8, 8, 32}, 1}}}}, inventory());
  EXPECT_NE(msg.find("layer 'fc9', which the timing lacks"), std::string::npos) << msg;

  std::vector<InventoryItem> inv = inventory();
  inv.push_back({"warp", "flux_capacitor", 1, 1, "", {8}});
  msg = error_of(actions(), inv);
  EXPECT_NE(msg.find("unknown inventory kind 'flux_capacitor'"), std::string::npos) << msg;

  inv = inventory();
  inv.push_back(inv[0]);
  msg = error_of(actions(), inv);
  EXPECT_NE(msg.find("lists 'pe' twice"), std::string::npos) << msg;
}

TEST(CostEvaluate, MemorySizeInEntriesEqualsTheSameInBytes) {
  const Technology tech = at_table_node(default_technology_table());
  const std::vector<LayerActions> acts{{"conv1", {{"m", "sram_read", {64}, 3}}}};
  const std::vector<InventoryItem> bytes{{"m", "sram", 2, 16384, "bytes", {64}, 4, 2}};
  const std::vector<InventoryItem> entries{{"m", "sram", 2, 2048, "entries", {64}, 4, 2}};
  const CostReport a = evaluate(acts, bytes, tech, timing());
  const CostReport b = evaluate(acts, entries, tech, timing());
  EXPECT_EQ(a.total.sram_pj, b.total.sram_pj);
  EXPECT_EQ(a.area_um2, b.area_um2);
  const std::vector<InventoryItem> furlongs{{"m", "sram", 1, 3, "furlongs", {64}}};
  EXPECT_THROW(evaluate(acts, furlongs, tech, timing()), workloads::InputError);
}

TEST(CostEvaluate, EveryDocumentedKindIsPriced) {
  const std::vector<InventoryItem> inv{{"alu", "mac", 1, 1, "", {8, 8, 32}},
                                       {"mul", "multiplier", 1, 1, "", {16, 16}},
                                       {"lbpe", "shift_add", 1, 1, "", {24}},
                                       {"bin", "xnor_popcount", 1, 1, "", {64}},
                                       {"lut", "lut", 1, 32, "bytes", {16}},
                                       {"rf", "register_file", 1, 128, "bytes", {16}},
                                       {"cmp", "comparator", 1, 1, "", {16}},
                                       {"acc", "register", 1, 1, "", {32}},
                                       {"mem", "sram", 2, 16384, "bytes", {64}, 2, 1},
                                       {"dram", "interface", 1, 64, "bytes", {512}}};
  const std::vector<LayerActions> acts{{"conv1",
                                        {{"alu", "mac", {8, 8, 32}, 1},
                                         {"mul", "mult", {16, 16}, 1},
                                         {"alu", "add", {32}, 1},
                                         {"lbpe", "shift_add", {24}, 1},
                                         {"bin", "xnor_popcount", {64}, 1},
                                         {"lut", "lut_read", {16, 16}, 1},
                                         {"lut", "lut_write", {16, 16}, 1},
                                         {"rf", "rf_read", {16}, 1},
                                         {"rf", "rf_write", {16}, 1},
                                         {"mem", "sram_read", {64}, 1},
                                         {"mem", "sram_write", {64}, 1},
                                         {"cmp", "comparator", {16}, 1},
                                         {"acc", "register_write", {32}, 1},
                                         {"dram", "dram_read", {}, 1},
                                         {"dram", "dram_write", {}, 1}}}};
  const CostReport r = evaluate(acts, inv, at_table_node(default_technology_table()), timing());
  for (const auto& [component, pj] : r.total.by_component) EXPECT_GT(pj, 0) << component;
  for (const ComponentArea& a : r.area) {
    if (a.kind != "interface") {
      EXPECT_GT(a.area_um2, 0) << a.component;
    }
  }
}

}  // namespace
}  // namespace qasim::sim::cost
