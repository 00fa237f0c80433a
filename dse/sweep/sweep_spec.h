// The sweep spec (YAML): what to run (workload), on which accelerator configurations
// (presets with parameter ranges), at which precisions, in which mode, what to optimise
// and under which constraints, and how to search. Unknown keys and impossible values
// are InputErrors naming the file, line and column. configs/sweeps/default.yaml is the
// annotated example.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dse/sweep/design_point.h"
#include "dse/sweep/metrics.h"

namespace qasim::dse {

struct SearchSpec {
  std::string method = "grid";      // grid | random | nsga2
  int64_t samples = 0;              // random: points drawn from the grid (without repeats)
  int population = 16;              // nsga2
  int generations = 8;              // nsga2
  uint64_t seed = 1;                // random, nsga2
  std::vector<std::string> layers;  // nsga2: layers whose bits it picks (empty: every
                                    // weighted layer of the model)
};

struct SweepSpec {
  std::string source;  // file name, for messages
  std::string text;    // the spec as written, stored with the results
  Workload workload;
  std::vector<ArchConfig> archs;                // every configuration, resolved
  std::vector<PrecisionAssignment> precisions;  // the precision grid
  std::vector<int> wbits, abits;                // the bit choices (nsga2 picks per layer)
  bool same_bits = false;                       // pairing: same (wbits[i] with abits[i])
  PrecisionAssignment base_precision;           // scheme, method, fixed per-layer bits
  // The `compression:` section: Deep Compression points (density x codebook bits x abits),
  // run on their own accelerators (sparse ones such as eie), which run nothing else.
  std::vector<ArchConfig> compression_archs;
  std::vector<PrecisionAssignment> compressed_precisions;
  std::string mode = "fast";
  double timeout_seconds = 0;  // per point; 0: none
  std::vector<Objective> objectives;
  std::vector<Constraint> constraints;
  SearchSpec search;

  // Every (accelerator config, precision) pair, precision-major, then every
  // (compression accelerator, compressed precision) pair.
  std::vector<DesignPoint> grid() const;
  // The metrics that take part in objectives and constraints.
  bool uses_metric(const std::string& name) const;
};

// Throws workloads::InputError for anything wrong. `cost_model_available` says whether
// energy and area can be objectives or constraints in this build.
SweepSpec parse_sweep_spec_file(const std::string& path, bool cost_model_available);
SweepSpec parse_sweep_spec_text(const std::string& text, const std::string& source,
                                bool cost_model_available);

}  // namespace qasim::dse
