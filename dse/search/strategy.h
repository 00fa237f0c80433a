// How a sweep picks its design points, ask/tell (STYLE.md 7): the runner asks next()
// while it has idle workers, and report()s every result (evaluated now or found in the
// result store). next() returns nothing while a strategy waits for results (NSGA-II
// between generations); when it returns nothing and no point is in flight, the sweep is
// over.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dse/search/nsga2.h"
#include "dse/sweep/point_result.h"
#include "dse/sweep/sweep_spec.h"
#include "workloads/graph.h"

namespace qasim::dse {

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  virtual std::optional<DesignPoint> next() = 0;
  virtual void report(const DesignPoint& point, const PointResult& result) = 0;
  // Points it expects to ask for (the progress bar's total).
  virtual int64_t planned() const = 0;
};

// Every point of the grid, in order.
class GridSearch : public SearchStrategy {
 public:
  explicit GridSearch(std::vector<DesignPoint> points) : m_points(std::move(points)) {}
  std::optional<DesignPoint> next() override;
  void report(const DesignPoint&, const PointResult&) override {}
  int64_t planned() const override { return static_cast<int64_t>(m_points.size()); }

 private:
  std::vector<DesignPoint> m_points;
  size_t m_next = 0;
};

// `samples` distinct points of the grid drawn with a seeded generator (all of them when
// the grid is smaller).
std::unique_ptr<SearchStrategy> make_random_search(std::vector<DesignPoint> grid, int64_t samples,
                                                   uint64_t seed);

// The objectives of a result as NSGA-II minimizes them (maximized metrics negated), and
// its constraint violation (0: feasible; a failed point is infeasible by a wide margin).
Objectives minimized_objectives(const SweepSpec& spec, const PointResult& result);
double constraint_violation(const SweepSpec& spec, const PointResult& result);

// NSGA-II over the accelerator configuration and per-layer weight/activation bits, in the
// spirit of HAQ (Wang et al. 2019), under the spec's constraints. `model` is the
// shape-only graph of the workload (for its layer names).
std::unique_ptr<SearchStrategy> make_nsga2_search(const SweepSpec& spec,
                                                  const workloads::Graph& model);

// The strategy the spec asks for.
std::unique_ptr<SearchStrategy> make_search(const SweepSpec& spec, const workloads::Graph& model);

}  // namespace qasim::dse
