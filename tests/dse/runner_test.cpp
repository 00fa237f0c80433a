// run_sweep's bookkeeping with an executor that evaluates in-process (no fork): points
// already stored are skipped on --resume and refused without it, and each accuracy is
// measured once and handed to the other points that share it.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <map>

#include "dse/cli_common.h"
#include "dse/sweep/runner.h"

namespace qasim::dse {
namespace {

namespace fs = std::filesystem;

// Finishes points in the order they were started; counts accuracy measurements.
class FakeExecutor : public Executor {
 public:
  int capacity() const override { return 2; }
  int in_flight() const override { return static_cast<int>(m_queue.size()); }
  void start(const DesignPoint& p, const std::optional<AccuracyResult>& accuracy) override {
    if (!accuracy) ++measured[p.accuracy_key];
    m_queue.push_back({p, accuracy});
  }
  std::pair<DesignPoint, PointResult> wait_any() override {
    auto [p, accuracy] = m_queue.front();
    m_queue.pop_front();
    PointResult r = failed_result(p, "");
    r.ok = true;
    r.accuracy = accuracy ? *accuracy : AccuracyResult{42, 10, false, "fake"};
    r.cycles = 100;
    return {p, r};
  }
  std::map<std::string, int> measured;

 private:
  std::deque<std::pair<DesignPoint, std::optional<AccuracyResult>>> m_queue;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_db = fs::temp_directory_path() /
           ("qasim_runner_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(m_db.string() + suffix);
    m_spec = parse_sweep_spec_text(
        "workload: {model: 'zoo:resnet8', dataset: synthetic}\n"
        "accelerators: [nvdla_small, {preset: nvdla_small, params: {atomic_k: [16, 32]}}]\n"
        "precision: {wbits: [2, 4, 8]}\n",
        "spec.yaml", false);
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(m_db.string() + suffix);
  }
  fs::path m_db;
  SweepSpec m_spec;
};

TEST_F(RunnerTest, MeasuresEachAccuracyOnceAndStoresEveryPoint) {
  ResultStore store(m_db.string(), false);
  GridSearch search(m_spec.grid());
  FakeExecutor executor;
  const RunSummary s = run_sweep(m_spec, search, executor, store, {false, false, true});
  EXPECT_EQ(s.evaluated, 9);
  EXPECT_EQ(s.skipped, 0);
  EXPECT_EQ(store.all().size(), 9u);
  // 3 precisions x the same numerics: 3 accuracy keys, each measured exactly once.
  ASSERT_EQ(executor.measured.size(), 3u);
  for (const auto& [key, count] : executor.measured) EXPECT_EQ(count, 1) << key;
}

// Fails the 4-bit precision (as a training that cannot run would) and names where the
// others' models came from; counts the calls.
class FakePreparer : public ModelPreparer {
 public:
  std::string prepare(const DesignPoint& p) override {
    ++prepared[p.precision.label()];
    return p.precision.wbits == 4 ? "training w4a8 failed: fake" : "";
  }
  void annotate(const DesignPoint& p, AccuracyResult& accuracy) const override {
    accuracy.source = "prepared " + p.precision.label();
  }
  std::map<std::string, int> prepared;
};

TEST_F(RunnerTest, PreparerRunsBeforeEveryStartAndItsFailuresAreStored) {
  ResultStore store(m_db.string(), false);
  GridSearch search(m_spec.grid());
  FakeExecutor executor;
  FakePreparer preparer;
  const RunSummary s = run_sweep(m_spec, search, executor, store, {false, false, true, &preparer});
  EXPECT_EQ(s.evaluated, 9);
  EXPECT_EQ(s.failed, 3) << "the 3 accelerators at w4a8";
  // Asked once per point started (it keeps its own once-per-precision cache).
  EXPECT_EQ(preparer.prepared, (std::map<std::string, int>{{"w2a8", 3}, {"w4a8", 3}, {"w8a8", 3}}));
  EXPECT_EQ(executor.measured.size(), 2u) << "failed points never reach the executor";
  for (const StoredPoint& p : store.all()) {
    if (p.result.wbits == 4) {
      EXPECT_FALSE(p.result.ok);
      EXPECT_EQ(p.result.reason, "training w4a8 failed: fake");
    } else {
      ASSERT_TRUE(p.result.ok && p.result.accuracy);
      EXPECT_EQ(p.result.accuracy->source, "prepared " + p.result.precision);
    }
  }
}

TEST_F(RunnerTest, ResumeSkipsStoredPointsAndRefusesWithoutIt) {
  ResultStore store(m_db.string(), false);
  std::vector<DesignPoint> grid = m_spec.grid();
  {
    GridSearch first(std::vector<DesignPoint>(grid.begin(), grid.begin() + 4));
    FakeExecutor executor;
    EXPECT_EQ(run_sweep(m_spec, first, executor, store, {false, false, true}).evaluated, 4);
  }
  {
    GridSearch again(grid);
    FakeExecutor executor;
    EXPECT_THROW(run_sweep(m_spec, again, executor, store, {false, false, true}), UsageError);
  }
  GridSearch rest(grid);
  FakeExecutor executor;
  const RunSummary s = run_sweep(m_spec, rest, executor, store, {true, false, true});
  EXPECT_EQ(s.skipped, 4);
  EXPECT_EQ(s.evaluated, 5);
  EXPECT_EQ(store.all().size(), 9u);
  // Grid order is precision-major (3 archs each): the first run stored all of w2 and one
  // w4 point, whose accuracy is reused; only w8's is measured now.
  ASSERT_EQ(executor.measured.size(), 1u);
  EXPECT_EQ(executor.measured.begin()->first, grid[8].accuracy_key);
}

}  // namespace
}  // namespace qasim::dse
