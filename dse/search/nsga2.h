// NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002) over integer genomes, ask/tell:
// next() hands out genomes to evaluate, report() takes their objectives (all minimized)
// and constraint violation (0: feasible). Selection uses constrained domination, rank
// and crowding distance; variation is uniform crossover and per-gene resampling.
// Deterministic for a given seed and report order of each generation's results.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "dse/search/pareto.h"

namespace qasim::dse {

using Genome = std::vector<int>;

struct Nsga2Options {
  int population = 16;  // even
  int generations = 8;  // offspring generations after the initial population
  uint64_t seed = 1;
  double crossover_probability = 0.9;
  double mutation_probability = -1;  // per gene; < 0: 1 / genome length
};

class Nsga2 {
 public:
  // Gene i takes values 0 .. cardinality[i] - 1.
  Nsga2(std::vector<int> cardinality, Nsga2Options options);

  // The next genome to evaluate; empty while waiting for reports or when done().
  // A genome is never handed out twice: results are cached.
  std::optional<Genome> next();
  void report(const Genome& genome, const Objectives& objectives, double violation);
  bool done() const { return m_done; }
  int generation() const { return m_generation; }
  // Most evaluations the search will ask for (cache hits make it fewer).
  int64_t planned() const {
    return int64_t{m_options.population} * (int64_t{m_options.generations} + 1);
  }
  const std::vector<Genome>& parents() const { return m_parents; }

 private:
  struct Evaluation {
    Objectives objectives;
    double violation = 0;
  };
  Genome random_genome();
  void advance();  // the batch is evaluated: select, breed the next batch (or finish)
  std::vector<Genome> select(const std::vector<Genome>& pool, size_t count) const;
  std::vector<Genome> breed();
  void start_batch(std::vector<Genome> genomes);

  std::vector<int> m_cardinality;
  Nsga2Options m_options;
  std::mt19937_64 m_rng;
  std::map<Genome, Evaluation> m_cache;
  std::vector<Genome> m_parents, m_offspring;
  std::vector<Genome> m_to_ask;  // genomes of the current batch not yet handed out
  size_t m_outstanding = 0;      // handed out, not reported
  int m_generation = -1;         // -1 while the initial population is evaluated
  bool m_done = false;
  // Rank and crowding of the current parents, for tournaments.
  std::vector<size_t> m_rank;
  std::vector<double> m_crowding;
};

}  // namespace qasim::dse
