// Pareto dominance, non-dominated sorting, crowding and hypervolume on hand-made sets
// whose answers are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dse/search/pareto.h"

namespace qasim::dse {
namespace {

TEST(Pareto, Dominance) {
  EXPECT_TRUE(dominates({1, 2}, {2, 2}));
  EXPECT_TRUE(dominates({1, 1}, {2, 2}));
  EXPECT_FALSE(dominates({1, 2}, {1, 2}));  // equal: neither dominates
  EXPECT_FALSE(dominates({1, 3}, {2, 2}));  // a trade-off
  EXPECT_FALSE(dominates({2, 2}, {1, 2}));
}

TEST(Pareto, FrontsOfAHandMadeSet) {
  // (1,4) (2,2) (4,1) trade off: front 0. (3,3) is dominated by (2,2) only; (5,5) by all
  // of front 0 and by (3,3), so it sits in front 2.
  const std::vector<Objectives> pts = {{3, 3}, {1, 4}, {5, 5}, {2, 2}, {4, 1}};
  const auto fronts = non_dominated_sort(pts);
  ASSERT_EQ(fronts.size(), 3u);
  EXPECT_EQ(fronts[0], (std::vector<size_t>{1, 3, 4}));
  EXPECT_EQ(fronts[1], (std::vector<size_t>{0}));
  EXPECT_EQ(fronts[2], (std::vector<size_t>{2}));
  EXPECT_EQ(pareto_front(pts), (std::vector<size_t>{1, 3, 4}));
}

TEST(Pareto, ConstrainedDominationPutsFeasiblePointsFirst) {
  // (0,0) would dominate everything but violates a constraint; (9,9) is feasible.
  const std::vector<Objectives> pts = {{0, 0}, {9, 9}, {5, 5}};
  const auto fronts = non_dominated_sort(pts, {0.5, 0, 2.0});
  ASSERT_EQ(fronts.size(), 3u);
  EXPECT_EQ(fronts[0], (std::vector<size_t>{1}));
  EXPECT_EQ(fronts[1], (std::vector<size_t>{0}));  // smaller violation first
  EXPECT_EQ(fronts[2], (std::vector<size_t>{2}));
}

TEST(Pareto, CrowdingDistance) {
  // Front (0,4) (1,2) (2,1) (4,0): ranges 4 and 4. The middle two get
  // (2-0)/4 + (4-1)/4 = 1.25 and (4-1)/4 + (2-0)/4 = 1.25; the extremes infinity.
  const std::vector<Objectives> pts = {{0, 4}, {1, 2}, {2, 1}, {4, 0}};
  const auto d = crowding_distance(pts, {0, 1, 2, 3});
  EXPECT_TRUE(std::isinf(d[0]));
  EXPECT_DOUBLE_EQ(d[1], 1.25);
  EXPECT_DOUBLE_EQ(d[2], 1.25);
  EXPECT_TRUE(std::isinf(d[3]));
}

TEST(Hypervolume, TwoDimensionsStaircase) {
  // Reference (4,4): slices x in [1,2) height 1, [2,3) height 2, [3,4) height 3 -> 6.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
  // A dominated point and a point beyond the reference change nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {5, 0}}, {4, 4}), 6.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, {4, 4}), 0.0);
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0}}, {2, 3}), 6.0);
}

TEST(Hypervolume, ThreeDimensionsByInclusionExclusion) {
  // Boxes to (2,2,2): from (0,0,1) 2*2*1 = 4, from (1,1,0) 1*1*2 = 2, overlap
  // [1,2]x[1,2]x[1,2] = 1: union 5.
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 5.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1}}, {2, 2, 2}), 1.0);
  // (1,0,0) (0,1,0) (0,0,1) to (2,2,2): each box 1*2*2 = 4, each pairwise overlap
  // 1*1*2 = 2, the triple overlap 1: union 3*4 - 3*2 + 1 = 7.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {2, 2, 2}), 7.0);
}

TEST(Hypervolume, FourDimensionsOfOnePointIsItsBox) {
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2, 3, 0}}, {2, 4, 4, 2}), 1.0 * 2 * 1 * 2);
}

}  // namespace
}  // namespace qasim::dse
