// What the evaluation of one design point produced, as stored in the result store and
// read by reports, compare and the searches. Metrics that are not available are empty
// (energy and area until the cost model is wired in), never invented.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dse/sweep/design_point.h"

namespace qasim::dse {

struct LayerMetrics {
  std::string name;
  std::string unit;  // accelerator engine that ran it
  uint64_t cycles = 0;
  int64_t macs = 0;
  double utilization = 0;
  int wbits = 0;  // 0: layer without weights
  int abits = 0;  // bits of the layer's output
};

struct AccuracyResult {
  double top1 = 0;       // percent
  int64_t images = 0;    // test images it was measured on
  bool trained = false;  // false: seeded random weights, chance level by construction
  std::string source;    // where the model came from, in words
};

struct PointResult {
  std::string hash;
  bool ok = false;
  std::string reason;  // why it failed
  std::string accelerator, preset, precision, mode;
  int wbits = 0, abits = 0;
  std::optional<AccuracyResult> accuracy;
  uint64_t cycles = 0;
  double latency = 0, throughput = 0, utilization = 0;
  std::optional<double> energy, area;  // J, mm2: the cost model's
  nlohmann::json cost_breakdown;       // the cost model's per-component detail (null: none)
  std::vector<LayerMetrics> layers;
  double eval_seconds = 0;

  // A metric by its name (dse/sweep/metrics.h); empty when this point does not have it.
  std::optional<double> metric(const std::string& name) const;
  nlohmann::json to_json() const;
  static PointResult from_json(const nlohmann::json& j);  // throws nlohmann::json::exception
};

// A failed result for `point`, with the labels filled in.
PointResult failed_result(const DesignPoint& point, const std::string& reason);

}  // namespace qasim::dse
