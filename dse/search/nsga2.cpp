#include "dse/search/nsga2.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

namespace qasim::dse {

namespace {

// Uniform integer in [0, n), reproducible everywhere (std distributions are not
// specified bit for bit across standard libraries).
int uniform(std::mt19937_64& rng, int n) {
  return static_cast<int>(rng() % static_cast<uint64_t>(n));
}
double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

}  // namespace

Nsga2::Nsga2(std::vector<int> cardinality, Nsga2Options options)
    : m_cardinality(std::move(cardinality)), m_options(options), m_rng(options.seed) {
  if (m_cardinality.empty()) throw std::invalid_argument("nsga2: empty genome");
  for (const int c : m_cardinality)
    if (c < 1) throw std::invalid_argument("nsga2: a gene with no values");
  if (m_options.population < 2 || m_options.population % 2)
    throw std::invalid_argument("nsga2: population must be even and >= 2");
  if (m_options.mutation_probability < 0)
    m_options.mutation_probability = 1.0 / static_cast<double>(m_cardinality.size());
  std::vector<Genome> initial;
  for (int i = 0; i < m_options.population; ++i) initial.push_back(random_genome());
  m_parents = initial;
  start_batch(initial);
}

Genome Nsga2::random_genome() {
  Genome g(m_cardinality.size());
  for (size_t i = 0; i < g.size(); ++i) g[i] = uniform(m_rng, m_cardinality[i]);
  return g;
}

void Nsga2::start_batch(std::vector<Genome> genomes) {
  std::set<Genome> seen;
  m_to_ask.clear();
  for (Genome& g : genomes)
    if (!m_cache.contains(g) && seen.insert(g).second) m_to_ask.push_back(g);
  std::reverse(m_to_ask.begin(), m_to_ask.end());  // handed out from the back, in order
}

std::optional<Genome> Nsga2::next() {
  while (!m_done) {
    if (!m_to_ask.empty()) {
      Genome g = std::move(m_to_ask.back());
      m_to_ask.pop_back();
      ++m_outstanding;
      return g;
    }
    if (m_outstanding > 0) return std::nullopt;
    advance();
  }
  return std::nullopt;
}

void Nsga2::report(const Genome& genome, const Objectives& objectives, double violation) {
  if (m_outstanding == 0) throw std::logic_error("nsga2: report without a pending genome");
  --m_outstanding;
  m_cache[genome] = {objectives, violation};
}

std::vector<Genome> Nsga2::select(const std::vector<Genome>& pool, size_t count) const {
  std::vector<Objectives> points;
  std::vector<double> violation;
  for (const Genome& g : pool) {
    const Evaluation& e = m_cache.at(g);
    points.push_back(e.objectives);
    violation.push_back(e.violation);
  }
  std::vector<Genome> out;
  for (const std::vector<size_t>& front : non_dominated_sort(points, violation)) {
    if (out.size() + front.size() <= count) {
      for (const size_t i : front) out.push_back(pool[i]);
      continue;
    }
    // The last front that fits only partly: the least crowded members first.
    const std::vector<double> crowding = crowding_distance(points, front);
    std::vector<size_t> order(front.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return crowding[a] > crowding[b]; });
    for (size_t k = 0; out.size() < count; ++k) out.push_back(pool[front[order[k]]]);
    break;
  }
  return out;
}

std::vector<Genome> Nsga2::breed() {
  // Rank and crowding of the parents drive binary tournaments.
  std::vector<Objectives> points;
  std::vector<double> violation;
  for (const Genome& g : m_parents) {
    points.push_back(m_cache.at(g).objectives);
    violation.push_back(m_cache.at(g).violation);
  }
  m_rank.assign(m_parents.size(), 0);
  m_crowding.assign(m_parents.size(), 0);
  const auto fronts = non_dominated_sort(points, violation);
  for (size_t r = 0; r < fronts.size(); ++r) {
    const std::vector<double> c = crowding_distance(points, fronts[r]);
    for (size_t k = 0; k < fronts[r].size(); ++k) {
      m_rank[fronts[r][k]] = r;
      m_crowding[fronts[r][k]] = c[k];
    }
  }
  const int n = static_cast<int>(m_parents.size());
  auto tournament = [&]() -> const Genome& {
    const int a = uniform(m_rng, n), b = uniform(m_rng, n);
    if (m_rank[a] != m_rank[b]) return m_parents[m_rank[a] < m_rank[b] ? a : b];
    return m_parents[m_crowding[a] >= m_crowding[b] ? a : b];
  };
  std::vector<Genome> children;
  while (static_cast<int>(children.size()) < m_options.population) {
    Genome x = tournament(), y = tournament();
    if (uniform01(m_rng) < m_options.crossover_probability)
      for (size_t i = 0; i < x.size(); ++i)
        if (uniform01(m_rng) < 0.5) std::swap(x[i], y[i]);
    for (Genome* g : {&x, &y})
      for (size_t i = 0; i < g->size(); ++i)
        if (m_cardinality[i] > 1 && uniform01(m_rng) < m_options.mutation_probability)
          (*g)[i] = (m_cardinality[i] + (*g)[i] + 1 + uniform(m_rng, m_cardinality[i] - 1)) %
                    m_cardinality[i];  // any value but the current one
    children.push_back(std::move(x));
    children.push_back(std::move(y));
  }
  return children;
}

void Nsga2::advance() {
  if (m_generation >= 0) {
    // Environmental selection: the best `population` of parents and offspring.
    std::vector<Genome> pool = m_parents;
    std::set<Genome> in_pool(pool.begin(), pool.end());
    for (const Genome& g : m_offspring)
      if (in_pool.insert(g).second) pool.push_back(g);
    m_parents = select(pool, static_cast<size_t>(m_options.population));
  }
  ++m_generation;
  if (m_generation >= m_options.generations) {
    m_done = true;
    return;
  }
  m_offspring = breed();
  start_batch(m_offspring);
}

}  // namespace qasim::dse
