// Reports of golden inference: per-layer time and throughput, and what a change of
// numerics did to each layer's integers.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "kernels/ops.h"
#include "workloads/golden_engine.h"

namespace qasim::dse {

struct LayerReport {
  std::string text;
  nlohmann::json json;
};
// Per-layer table of the engine's profile after running `images` images.
LayerReport layer_report(const workloads::GoldenEngine& engine, int64_t images);

std::string numerics_label(const kernels::Numerics& n);  // "gemmlowp, acc32 saturate"
nlohmann::json numerics_json(const kernels::Numerics& n);

// Adds the counts of `more` into `total` (means weighted by element counts).
void accumulate(kernels::Mismatch& total, const kernels::Mismatch& more);
std::string mismatch_table(const workloads::Graph& graph,
                           const std::vector<kernels::Mismatch>& per_layer);
nlohmann::json mismatch_json(const workloads::Graph& graph,
                             const std::vector<kernels::Mismatch>& per_layer);

}  // namespace qasim::dse
