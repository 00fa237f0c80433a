// Pareto dominance, non-dominated sorting (Deb et al., NSGA-II, 2002), crowding distance
// and hypervolume. Every objective is minimized: negate what is maximized first.
#pragma once

#include <cstddef>
#include <vector>

namespace qasim::dse {

using Objectives = std::vector<double>;

// a is no worse than b in every objective and better in at least one.
bool dominates(const Objectives& a, const Objectives& b);

// Fronts of `points` by index: front 0 is the non-dominated set, front 1 is
// non-dominated once front 0 is removed, and so on. `violation` (same size, or empty)
// applies Deb's constrained domination: a feasible point (violation 0) dominates an
// infeasible one, and of two infeasible points the smaller violation dominates.
std::vector<std::vector<size_t>> non_dominated_sort(const std::vector<Objectives>& points,
                                                    const std::vector<double>& violation = {});

// Indices of the non-dominated points (front 0).
std::vector<size_t> pareto_front(const std::vector<Objectives>& points);

// Crowding distance of each member of `front` (same order): the half-perimeter of the
// cuboid its neighbours span, per objective normalized by the front's range; the two
// extremes of each objective get infinity.
std::vector<double> crowding_distance(const std::vector<Objectives>& points,
                                      const std::vector<size_t>& front);

// Volume of objective space dominated by `points` and bounded by `reference` (points
// that do not strictly dominate the reference contribute nothing). Exact in every
// dimension: 2-D by one sweep over the sorted staircase (O(n log n)); more dimensions by
// slicing along the last objective and recursing (HSO, O(n^(d-1)) in the worst case:
// fine for the fronts of a sweep, a few hundred points in 3 or 4 objectives).
double hypervolume(const std::vector<Objectives>& points, const Objectives& reference);

}  // namespace qasim::dse
