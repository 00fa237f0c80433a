#include "dse/search/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace qasim::dse {

bool dominates(const Objectives& a, const Objectives& b) {
  bool better = false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

std::vector<std::vector<size_t>> non_dominated_sort(const std::vector<Objectives>& points,
                                                    const std::vector<double>& violation) {
  const size_t n = points.size();
  auto beats = [&](size_t a, size_t b) {
    if (!violation.empty()) {
      const double va = violation[a], vb = violation[b];
      if (va > 0 || vb > 0) return va < vb;
    }
    return dominates(points[a], points[b]);
  };
  std::vector<std::vector<size_t>> dominated(n);
  std::vector<size_t> count(n, 0);
  std::vector<std::vector<size_t>> fronts(1);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      if (beats(a, b))
        dominated[a].push_back(b);
      else if (beats(b, a))
        ++count[a];
    }
    if (count[a] == 0) fronts[0].push_back(a);
  }
  while (!fronts.back().empty()) {
    std::vector<size_t> next;
    for (const size_t a : fronts.back())
      for (const size_t b : dominated[a])
        if (--count[b] == 0) next.push_back(b);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(next));
  }
  fronts.pop_back();
  return fronts;
}

std::vector<size_t> pareto_front(const std::vector<Objectives>& points) {
  if (points.empty()) return {};
  return non_dominated_sort(points).front();
}

std::vector<double> crowding_distance(const std::vector<Objectives>& points,
                                      const std::vector<size_t>& front) {
  const size_t m = front.size();
  std::vector<double> distance(m, 0.0);
  if (m == 0) return distance;
  const double inf = std::numeric_limits<double>::infinity();
  const size_t dims = points[front[0]].size();
  std::vector<size_t> order(m);
  for (size_t d = 0; d < dims; ++d) {
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return points[front[a]][d] < points[front[b]][d]; });
    const double lo = points[front[order.front()]][d], hi = points[front[order.back()]][d];
    distance[order.front()] = distance[order.back()] = inf;
    if (hi <= lo) continue;
    for (size_t k = 1; k + 1 < m; ++k)
      distance[order[k]] +=
          (points[front[order[k + 1]]][d] - points[front[order[k - 1]]][d]) / (hi - lo);
  }
  return distance;
}

namespace {

double hypervolume_2d(std::vector<Objectives> points, const Objectives& ref) {
  std::sort(points.begin(), points.end());  // by the first objective, then the second
  double volume = 0, best_y = ref[1];
  for (const Objectives& p : points) {
    if (p[1] >= best_y) continue;  // dominated by a point with smaller x
    volume += (ref[0] - p[0]) * (best_y - p[1]);
    best_y = p[1];
  }
  return volume;
}

double hypervolume_slices(std::vector<Objectives> points, const Objectives& ref) {
  const size_t d = ref.size();
  if (points.empty()) return 0;
  if (d == 1) {
    double best = ref[0];
    for (const Objectives& p : points) best = std::min(best, p[0]);
    return ref[0] - best;
  }
  if (d == 2) return hypervolume_2d(std::move(points), ref);
  std::sort(points.begin(), points.end(),
            [&](const Objectives& a, const Objectives& b) { return a[d - 1] < b[d - 1]; });
  const Objectives sub_ref(ref.begin(), ref.end() - 1);
  double volume = 0;
  std::vector<Objectives> below;  // projections of the points whose last objective <= slice
  for (size_t i = 0; i < points.size(); ++i) {
    below.emplace_back(points[i].begin(), points[i].end() - 1);
    const double top = i + 1 < points.size() ? points[i + 1][d - 1] : ref[d - 1];
    const double height = top - points[i][d - 1];
    if (height > 0) volume += height * hypervolume_slices(below, sub_ref);
  }
  return volume;
}

}  // namespace

double hypervolume(const std::vector<Objectives>& points, const Objectives& reference) {
  std::vector<Objectives> inside;
  for (const Objectives& p : points) {
    if (p.size() != reference.size())
      throw std::invalid_argument("hypervolume: a point and the reference differ in dimension");
    bool strictly = true;
    for (size_t i = 0; i < p.size(); ++i) strictly = strictly && p[i] < reference[i];
    if (strictly) inside.push_back(p);
  }
  return hypervolume_slices(std::move(inside), reference);
}

}  // namespace qasim::dse
