// NSGA-II on a toy problem whose Pareto front is known: genes g0..g3 in 0..7,
// f1 = g0, f2 = (7 - g0) + g1 + g2 + g3. Every front point has g1 = g2 = g3 = 0, so the
// front is the 8 points (a, 7 - a); a point with any other gene above 0 is dominated by
// the same g0 with those genes zeroed.
#include <gtest/gtest.h>

#include <set>

#include "dse/search/nsga2.h"

namespace qasim::dse {
namespace {

Objectives toy(const Genome& g) {
  return {static_cast<double>(g[0]), static_cast<double>(7 - g[0] + g[1] + g[2] + g[3])};
}

// Runs the search to the end; returns the distinct objectives of its last parents'
// first front, and checks that no genome is handed out twice.
std::set<Objectives> run(Nsga2& search, double max_f1) {
  std::set<Genome> asked;
  int64_t evaluations = 0;
  while (auto g = search.next()) {
    EXPECT_TRUE(asked.insert(*g).second) << "a genome was asked for twice";
    const Objectives f = toy(*g);
    search.report(*g, f, std::max(0.0, f[0] - max_f1));
    ++evaluations;
  }
  EXPECT_TRUE(search.done());
  EXPECT_LE(evaluations, search.planned());
  std::vector<Objectives> points;
  std::vector<double> violation;
  for (const Genome& g : search.parents()) {
    points.push_back(toy(g));
    violation.push_back(std::max(0.0, points.back()[0] - max_f1));
  }
  std::set<Objectives> front;
  const auto fronts = non_dominated_sort(points, violation);
  for (const size_t i : fronts.front()) front.insert(points[i]);
  return front;
}

TEST(Nsga2, FindsTheWholeKnownFront) {
  for (const uint64_t seed : {1u, 2u, 3u}) {
    Nsga2 search({8, 8, 8, 8}, {16, 40, seed, 0.9, -1});
    std::set<Objectives> expected;
    for (int a = 0; a < 8; ++a) expected.insert({double(a), double(7 - a)});
    EXPECT_EQ(run(search, 1e9), expected) << "seed " << seed;
  }
}

TEST(Nsga2, ConstraintCutsTheFront) {
  // f1 <= 3: only (0,7) (1,6) (2,5) (3,4) are feasible front points.
  Nsga2 search({8, 8, 8, 8}, {16, 40, 5, 0.9, -1});
  const std::set<Objectives> expected = {{0, 7}, {1, 6}, {2, 5}, {3, 4}};
  EXPECT_EQ(run(search, 3), expected);
}

TEST(Nsga2, SameSeedSameSearch) {
  Nsga2 a({8, 8, 8, 8}, {8, 5, 9, 0.9, -1}), b({8, 8, 8, 8}, {8, 5, 9, 0.9, -1});
  for (;;) {
    const auto ga = a.next(), gb = b.next();
    ASSERT_EQ(ga, gb);
    if (!ga) break;
    a.report(*ga, toy(*ga), 0);
    b.report(*gb, toy(*gb), 0);
  }
}

TEST(Nsga2, WaitsForAGenerationBeforeBreeding) {
  Nsga2 search({4, 4}, {4, 2, 1, 0.9, -1});
  std::vector<Genome> first;
  while (auto g = search.next()) first.push_back(*g);
  EXPECT_FALSE(search.done());
  EXPECT_LE(first.size(), 4u);  // the initial population, no more until reported
  for (const Genome& g : first) search.report(g, {double(g[0]), double(g[1])}, 0);
  EXPECT_TRUE(search.next().has_value() || search.done());
}

TEST(Nsga2, RejectsImpossibleOptions) {
  EXPECT_THROW(Nsga2({}, {}), std::invalid_argument);
  EXPECT_THROW(Nsga2({0}, {}), std::invalid_argument);
  EXPECT_THROW(Nsga2({4}, {3, 1, 1, 0.9, -1}), std::invalid_argument);
}

}  // namespace
}  // namespace qasim::dse
