// Runs a sweep: asks the search strategy for points, skips those already in the result
// store (--resume), hands the rest to an executor (local worker processes, or MPI ranks),
// stores every result in its own transaction as it arrives, and draws the progress bar.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dse/search/strategy.h"
#include "dse/sweep/child_evaluation.h"
#include "dse/sweep/result_store.h"

namespace qasim::dse {

// Where points are evaluated.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual int capacity() const = 0;  // points it can run at once
  virtual int in_flight() const = 0;
  virtual void start(const DesignPoint& point, const std::optional<AccuracyResult>& accuracy) = 0;
  // Blocks until a point finishes; its result (failed when its process died).
  virtual std::pair<DesignPoint, PointResult> wait_any() = 0;
};

// Up to `jobs` forked worker processes at once, one per point.
class LocalExecutor : public Executor {
 public:
  LocalExecutor(const EvalContext& context, int jobs, int threads_per_job, double timeout_seconds)
      : m_context(context), m_jobs(jobs), m_threads(threads_per_job), m_timeout(timeout_seconds) {}
  int capacity() const override { return m_jobs; }
  int in_flight() const override { return static_cast<int>(m_children.size()); }
  void start(const DesignPoint& point, const std::optional<AccuracyResult>& accuracy) override;
  std::pair<DesignPoint, PointResult> wait_any() override;

 private:
  const EvalContext& m_context;
  int m_jobs, m_threads;
  double m_timeout;
  std::vector<std::unique_ptr<ChildEvaluation>> m_children;
};

// Makes what a point needs before it is evaluated, in the sweep's parent process (rank 0
// under MPI), e.g. the trained model of its precision (SweepTrainer, sweep_training.h).
class ModelPreparer {
 public:
  virtual ~ModelPreparer() = default;
  // Called before `point` starts; returns why it cannot run (it is stored as failed), or "".
  virtual std::string prepare(const DesignPoint& point) = 0;
  // Says in `accuracy.source` where the point's model came from in this run.
  virtual void annotate(const DesignPoint& point, AccuracyResult& accuracy) const = 0;
};

struct RunOptions {
  bool resume = false;        // skip points already in the store
  bool retry_failed = false;  // with resume: evaluate stored failed points again
  bool quiet = false;         // no progress bar
  ModelPreparer* models = nullptr;
};

struct RunSummary {
  int64_t evaluated = 0, failed = 0, skipped = 0;
  double seconds = 0;
};

// Throws UsageError when, without --resume, the store already holds a point of the sweep.
RunSummary run_sweep(const SweepSpec& spec, SearchStrategy& search, Executor& executor,
                     ResultStore& store, const RunOptions& options);

}  // namespace qasim::dse
