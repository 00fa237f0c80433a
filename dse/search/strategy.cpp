#include "dse/search/strategy.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "workloads/errors.h"

namespace qasim::dse {

std::optional<DesignPoint> GridSearch::next() {
  if (m_next >= m_points.size()) return std::nullopt;
  return m_points[m_next++];
}

std::unique_ptr<SearchStrategy> make_random_search(std::vector<DesignPoint> grid, int64_t samples,
                                                   uint64_t seed) {
  // Partial Fisher-Yates with a generator whose output is fixed by the standard.
  std::mt19937_64 rng(seed);
  const size_t count = std::min<size_t>(static_cast<size_t>(samples), grid.size());
  for (size_t i = 0; i < count; ++i) {
    const size_t j = i + static_cast<size_t>(rng() % (grid.size() - i));
    std::swap(grid[i], grid[j]);
  }
  grid.resize(count);
  return std::make_unique<GridSearch>(std::move(grid));
}

Objectives minimized_objectives(const SweepSpec& spec, const PointResult& result) {
  Objectives out;
  for (const Objective& o : spec.objectives) {
    const std::optional<double> v = result.metric(o.metric);
    if (!v) {
      out.push_back(std::numeric_limits<double>::max());
      continue;
    }
    out.push_back(o.direction == Direction::Minimize ? *v : -*v);
  }
  return out;
}

double constraint_violation(const SweepSpec& spec, const PointResult& result) {
  // A failed point, or one without a constrained metric, is worse than any that ran.
  constexpr double kFailed = 1e9;
  if (!result.ok) return kFailed;
  double total = 0;
  for (const Constraint& c : spec.constraints) {
    const std::optional<double> v = result.metric(c.metric);
    if (!v) return kFailed;
    // Relative amounts, so constraints on metrics of different units add up fairly.
    auto relative = [](double excess, double bound) {
      return excess / std::max(std::abs(bound), 1e-300);
    };
    if (c.min && *v < *c.min) total += relative(*c.min - *v, *c.min);
    if (c.max && *v > *c.max) total += relative(*v - *c.max, *c.max);
  }
  return total;
}

namespace {

class Nsga2Search : public SearchStrategy {
 public:
  Nsga2Search(const SweepSpec& spec, std::vector<std::string> layers, std::vector<bool> abits_gene)
      : m_spec(spec),
        m_layers(std::move(layers)),
        m_abits_gene(std::move(abits_gene)),
        m_search(cardinalities(),
                 {spec.search.population, spec.search.generations, spec.search.seed, 0.9, -1}) {}

  std::optional<DesignPoint> next() override {
    const std::optional<Genome> g = m_search.next();
    if (!g) return std::nullopt;
    DesignPoint p = decode(*g);
    m_genome_of[p.hash] = *g;
    return p;
  }
  void report(const DesignPoint& point, const PointResult& result) override {
    const auto it = m_genome_of.find(point.hash);
    if (it == m_genome_of.end()) return;
    m_search.report(it->second, minimized_objectives(m_spec, result),
                    constraint_violation(m_spec, result));
  }
  int64_t planned() const override { return m_search.planned(); }

 private:
  std::vector<int> cardinalities() const {
    std::vector<int> c{static_cast<int>(m_spec.archs.size())};
    for (size_t i = 0; i < m_layers.size(); ++i) {
      c.push_back(static_cast<int>(m_spec.wbits.size()));
      if (m_abits_gene[i]) c.push_back(static_cast<int>(m_spec.abits.size()));
    }
    return c;
  }
  DesignPoint decode(const Genome& g) const {
    PrecisionAssignment p = m_spec.base_precision;
    // Layers outside the search keep the widest choices.
    p.wbits = *std::max_element(m_spec.wbits.begin(), m_spec.wbits.end());
    p.abits = *std::max_element(m_spec.abits.begin(), m_spec.abits.end());
    size_t k = 1;
    for (size_t i = 0; i < m_layers.size(); ++i) {
      LayerBits bits = p.layers[m_layers[i]];
      bits.wbits = m_spec.wbits[g[k++]];
      if (m_abits_gene[i]) bits.abits = m_spec.abits[g[k++]];
      p.layers[m_layers[i]] = bits;
    }
    return make_point(m_spec.workload, m_spec.mode, m_spec.archs[g[0]], p);
  }

  const SweepSpec& m_spec;
  std::vector<std::string> m_layers;
  std::vector<bool> m_abits_gene;  // the last weighted layer's output (logits) keeps its bits
  Nsga2 m_search;
  std::map<std::string, Genome> m_genome_of;  // by point hash
};

}  // namespace

std::unique_ptr<SearchStrategy> make_nsga2_search(const SweepSpec& spec,
                                                  const workloads::Graph& model) {
  std::vector<std::string> weighted;
  for (const workloads::Layer& l : model.layers)
    if (l.has_weights() && !l.fixed_weights) weighted.push_back(l.name);
  if (weighted.empty())
    throw workloads::InputError(spec.source, "nsga2: the model has no weighted layers to search");
  std::vector<std::string> layers = spec.search.layers.empty() ? weighted : spec.search.layers;
  for (const std::string& name : layers)
    if (std::find(weighted.begin(), weighted.end(), name) == weighted.end())
      throw workloads::InputError(
          spec.source, fmt::format("search.layers: '{}' is not a weighted layer of {} (first: {})",
                                   name, spec.workload.model, weighted.front()));
  std::vector<bool> abits_gene;
  for (const std::string& name : layers) abits_gene.push_back(name != weighted.back());
  return std::make_unique<Nsga2Search>(spec, std::move(layers), std::move(abits_gene));
}

std::unique_ptr<SearchStrategy> make_search(const SweepSpec& spec, const workloads::Graph& model) {
  if (spec.search.method == "nsga2") return make_nsga2_search(spec, model);
  if (spec.search.method == "random")
    return make_random_search(spec.grid(), spec.search.samples, spec.search.seed);
  return std::make_unique<GridSearch>(spec.grid());
}

}  // namespace qasim::dse
