#include "sim/stats.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/stats_report.h"
#include "workloads/errors.h"

namespace qasim::sim {
namespace {

// A component's stats as an accelerator would declare them: each stat named once.
struct PeStats : StatGroup {
  using StatGroup::StatGroup;
  Counter busy{*this, "busy_cycles", "cycles", "cycles with a MAC in flight"};
  Counter cycles{*this, "cycles", "cycles", "cycles simulated"};
  Scalar peak{*this, "peak_queue", "entries", "largest queue seen"};
  CounterVector mac{*this, "mac", "ops", "MACs by precision", {"w4a8", "w8a8"}};
  Distribution latency{*this, "latency", "cycles", "request latency", 10, 5, 3};
  Formula utilization{
      *this,          "utilization",
      "ratio",        "busy / cycles",
      {busy, cycles}, [](const std::vector<double>& v) { return v[1] ? v[0] / v[1] : 0.0; }};
};

struct TopStats : StatGroup {
  TopStats() : StatGroup("accel") {}
  PeStats pe{"pe", this};
  Counter dram_bytes{*this, "dram_bytes", "bytes", "bytes moved to or from DRAM"};
};

TEST(Stats, PathsAndRegistration) {
  TopStats top;
  EXPECT_EQ(top.pe.busy.path(), "accel.pe.busy_cycles");
  EXPECT_EQ(top.dram_bytes.path(), "accel.dram_bytes");
  EXPECT_EQ(top.pe.mac.entry_path(1), "accel.pe.mac[w8a8]");
  EXPECT_THROW(Counter(top, "dram_bytes", "", ""), std::logic_error);
  EXPECT_THROW(Counter(top, "a.b", "", ""), std::logic_error);
  EXPECT_THROW(Counter(top, "pe", "", ""), std::logic_error);  // a child group's name
  StatGroup unnamed_root("");
  Counter c{unnamed_root, "reads", "", ""};
  EXPECT_EQ(c.path(), "reads");
}

TEST(Stats, GroupsLeaveTheirParentWhenDestroyed) {
  StatGroup root("root");
  {
    auto child = std::make_unique<PeStats>("child", &root);
    EXPECT_EQ(root.children().size(), 1u);
  }
  EXPECT_TRUE(root.children().empty());
  int visited = 0;
  root.for_each([&](Stat&) { ++visited; });
  EXPECT_EQ(visited, 0);
}

TEST(Stats, HotPathIsPlainAdds) {
  TopStats top;
  ++top.pe.busy;
  top.pe.busy += 4;
  top.pe.mac[top.pe.mac.index_of("w8a8")] += 3;
  EXPECT_EQ(top.pe.busy.value(), 5u);
  EXPECT_EQ(top.pe.mac.value(1), 3u);
  EXPECT_EQ(top.pe.mac.value(0), 0u);
  EXPECT_THROW(top.pe.mac.index_of("w2a2"), std::out_of_range);
}

TEST(Stats, DistributionBuckets) {
  StatGroup g("g");
  // Buckets [10,15) [15,20) [20,25); below 10 underflows, 25 and up overflows.
  Distribution d{g, "d", "cycles", "", 10, 5, 3};
  for (uint64_t v : {3u, 10u, 14u, 15u, 24u, 25u, 100u}) d.sample(v);
  StatValue v;
  d.read(0, v);
  EXPECT_EQ(v.dist.count, 7u);
  EXPECT_EQ(v.dist.sum, 3u + 10 + 14 + 15 + 24 + 25 + 100);
  EXPECT_EQ(v.dist.min, 3u);
  EXPECT_EQ(v.dist.max, 100u);
  EXPECT_EQ(v.dist.underflow, 1u);
  EXPECT_EQ(v.dist.overflow, 2u);
  EXPECT_EQ(v.dist.buckets, (std::vector<uint64_t>{2, 1, 1}));
  EXPECT_DOUBLE_EQ(v.dist.mean(), 191.0 / 7.0);
}

// Two layers with activity before, between and after them.
void run_two_layers(TopStats& top, StatsRecorder& rec) {
  top.dram_bytes += 100;  // before any layer: only in the totals
  rec.begin_layer("conv1");
  top.pe.busy += 3;
  top.pe.cycles += 4;
  top.pe.peak.set(7);
  top.pe.mac[0] += 10;
  top.pe.latency.sample(12);
  top.pe.latency.sample(30);
  rec.end_layer();
  top.dram_bytes += 5;  // between layers
  rec.begin_layer("conv2");
  top.pe.busy += 1;
  top.pe.cycles += 4;
  top.pe.peak.set(2);
  top.pe.mac[1] += 6;
  top.pe.latency.sample(16);
  top.dram_bytes += 64;
  rec.end_layer();
  rec.finalize();
}

TEST(Stats, PerLayerDeltasAndFormulas) {
  TopStats top;
  StatsRecorder rec(top);
  run_two_layers(top, rec);
  const auto& layers = rec.layers();
  ASSERT_EQ(layers.size(), 2u);
  const auto at = [&](size_t layer, const std::string& path) {
    return layers[layer].values[rec.index(path)];
  };
  EXPECT_EQ(at(0, "accel.pe.busy_cycles").count, 3u);
  EXPECT_EQ(at(1, "accel.pe.busy_cycles").count, 1u);
  EXPECT_EQ(at(0, "accel.dram_bytes").count, 0u);
  EXPECT_EQ(at(1, "accel.dram_bytes").count, 64u);
  EXPECT_EQ(at(0, "accel.pe.mac[w4a8]").count, 10u);
  EXPECT_EQ(at(1, "accel.pe.mac[w8a8]").count, 6u);
  EXPECT_DOUBLE_EQ(at(0, "accel.pe.peak_queue").value, 7);  // a scalar: its value at the end
  EXPECT_DOUBLE_EQ(at(1, "accel.pe.peak_queue").value, 2);
  // Formulas are evaluated on each scope's own values: 3/4, 1/4, and 4/8 overall.
  EXPECT_DOUBLE_EQ(at(0, "accel.pe.utilization").value, 0.75);
  EXPECT_DOUBLE_EQ(at(1, "accel.pe.utilization").value, 0.25);
  EXPECT_DOUBLE_EQ(rec.totals()[rec.index("accel.pe.utilization")].value, 0.5);
  // Distributions: counts are deltas and extremes are the layer's own.
  const DistributionValue& d0 = at(0, "accel.pe.latency").dist;
  EXPECT_EQ(d0.count, 2u);
  EXPECT_EQ(d0.min, 12u);
  EXPECT_EQ(d0.max, 30u);
  EXPECT_EQ(d0.overflow, 1u);
  const DistributionValue& d1 = at(1, "accel.pe.latency").dist;
  EXPECT_EQ(d1.count, 1u);
  EXPECT_EQ(d1.min, 16u);
  EXPECT_EQ(d1.max, 16u);
  EXPECT_EQ(d1.buckets, (std::vector<uint64_t>{0, 1, 0}));
  EXPECT_EQ(rec.total_count("accel.dram_bytes"), 169u);
  EXPECT_EQ(rec.totals()[rec.index("accel.pe.latency")].dist.min, 12u);
}

TEST(Stats, JsonHoldsMetadataTotalsAndLayers) {
  TopStats top;
  StatsRecorder rec(top);
  run_two_layers(top, rec);
  const nlohmann::json j = nlohmann::json::parse(rec.json());
  EXPECT_EQ(j["stats"]["accel.pe.busy_cycles"]["unit"], "cycles");
  EXPECT_EQ(j["stats"]["accel.pe.busy_cycles"]["kind"], "counter");
  EXPECT_EQ(j["stats"]["accel.pe.latency"]["description"], "request latency");
  EXPECT_EQ(j["total"]["accel.pe.busy_cycles"], 4);
  EXPECT_EQ(j["total"]["accel.pe.latency"]["count"], 3);
  EXPECT_EQ(j["total"]["accel.pe.latency"]["lo"], 10);
  EXPECT_EQ(j["total"]["accel.pe.latency"]["width"], 5);
  EXPECT_EQ(j["layers"][1]["name"], "conv2");
  EXPECT_EQ(j["layers"][1]["values"]["accel.pe.mac[w8a8]"], 6);
  EXPECT_DOUBLE_EQ(j["layers"][0]["values"]["accel.pe.utilization"].get<double>(), 0.75);
}

TEST(Stats, CsvRows) {
  TopStats top;
  StatsRecorder rec(top);
  run_two_layers(top, rec);
  const std::string csv = rec.csv();
  EXPECT_EQ(csv.rfind("scope,stat,kind,unit,value\n", 0), 0u);
  EXPECT_NE(csv.find("\ntotal,accel.pe.busy_cycles,counter,cycles,4\n"), std::string::npos);
  EXPECT_NE(csv.find("\nconv1,accel.pe.utilization,formula,ratio,0.75\n"), std::string::npos);
  EXPECT_NE(csv.find("\nconv2,accel.pe.latency.bucket15,distribution,samples,1\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\ntotal,accel.pe.latency.max,distribution,cycles,30\n"), std::string::npos);
}

TEST(Stats, WritesFilesAtomically) {
  TopStats top;
  StatsRecorder rec(top);
  run_two_layers(top, rec);
  const auto dir = std::filesystem::temp_directory_path() / "qasim_stats_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "stats.json").string();
  rec.write_json(path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), rec.json());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove_all(dir);
  EXPECT_THROW(rec.write_csv("/nonexistent/dir/stats.csv"), workloads::InputError);
}

TEST(Stats, LifecycleIsEnforced) {
  TopStats top;
  StatsRecorder rec(top);
  EXPECT_THROW(rec.end_layer(), std::logic_error);
  EXPECT_THROW(rec.totals(), std::logic_error);
  rec.begin_layer("a");
  EXPECT_THROW(rec.begin_layer("b"), std::logic_error);
  EXPECT_THROW(rec.finalize(), std::logic_error);
  rec.end_layer();
  {
    Counter late{top, "late", "", ""};  // the tree changed after the recorder was made
    EXPECT_THROW(rec.begin_layer("b"), std::logic_error);
  }
  rec.finalize();
  EXPECT_THROW(rec.finalize(), std::logic_error);
}

}  // namespace
}  // namespace qasim::sim
