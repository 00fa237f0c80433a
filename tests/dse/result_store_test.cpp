// The result store: round trips, replacement of a retried point, the accuracy cache,
// and refusal of files that are not result stores.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dse/sweep/result_store.h"
#include "dse/sweep/sweep_spec.h"
#include "workloads/errors.h"

namespace qasim::dse {
namespace {

namespace fs = std::filesystem;

class ResultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir =
        fs::temp_directory_path() /
        ("qasim_store_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    const SweepSpec spec = parse_sweep_spec_text(
        "workload: {model: 'zoo:resnet8', dataset: synthetic}\naccelerators: [nvdla_small, "
        "nvdla_large]\nprecision: {wbits: [4, 8]}\n",
        "spec.yaml", false);
    m_points = spec.grid();
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string db() const { return (m_dir / "r.db").string(); }

  fs::path m_dir;
  std::vector<DesignPoint> m_points;
};

PointResult ok_result(const DesignPoint& p, double accuracy, uint64_t cycles) {
  PointResult r = failed_result(p, "");
  r.ok = true;
  r.accuracy = AccuracyResult{accuracy, 100, false, "untrained"};
  r.cycles = cycles;
  r.latency = cycles * 1e-9;
  r.layers.push_back({"conv1", "conv", cycles, 1000, 0.5, 8, 8});
  return r;
}

TEST_F(ResultStoreTest, RoundTrip) {
  {
    ResultStore store(db(), false);
    const int64_t id = store.begin_sweep("spec.yaml", "text");
    store.put(m_points[0], ok_result(m_points[0], 12.5, 1000), id);
    store.put(m_points[1], failed_result(m_points[1], "does not fit"), id);
  }
  const ResultStore store(db(), true);
  const auto finished = store.finished();
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_TRUE(finished.at(m_points[0].hash));
  EXPECT_FALSE(finished.at(m_points[1].hash));
  const auto p = store.get(m_points[0].hash);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->config, m_points[0].config_text);
  EXPECT_EQ(p->result.cycles, 1000u);
  EXPECT_DOUBLE_EQ(p->result.accuracy->top1, 12.5);
  EXPECT_FALSE(p->result.energy.has_value()) << "no cost model: energy stays empty";
  ASSERT_EQ(p->result.layers.size(), 1u);
  EXPECT_EQ(p->result.layers[0].name, "conv1");
  EXPECT_EQ(store.get(m_points[1].hash)->result.reason, "does not fit");
  EXPECT_EQ(store.find_prefix(m_points[0].hash.substr(0, 6)).front(), m_points[0].hash);
  EXPECT_EQ(store.accuracy_cache().at(m_points[0].accuracy_key).top1, 12.5);
  EXPECT_EQ(store.sweeps().size(), 1u);
}

TEST_F(ResultStoreTest, RetriedPointReplacesItsFailure) {
  ResultStore store(db(), false);
  store.put(m_points[2], failed_result(m_points[2], "timed out"), 1);
  store.put(m_points[2], ok_result(m_points[2], 10, 5), 1);
  EXPECT_EQ(store.all().size(), 1u);
  EXPECT_TRUE(store.get(m_points[2].hash)->result.ok);
}

TEST_F(ResultStoreTest, RefusesWhatIsNotAResultStore) {
  std::ofstream(m_dir / "text.db") << "hello, not a database at all, long enough to be read\n";
  EXPECT_THROW(ResultStore((m_dir / "text.db").string(), false), workloads::InputError);
  EXPECT_THROW(ResultStore((m_dir / "missing.db").string(), true), workloads::InputError);
}

}  // namespace
}  // namespace qasim::dse
