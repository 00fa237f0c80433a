// The metrics a design point has, by the names sweep specs, reports and searches use.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qasim::dse {

struct MetricInfo {
  std::string name;               // "latency"
  std::string unit;               // "s"
  std::string title;              // "latency per frame"
  bool needs_cost_model = false;  // energy and area come from the cost model
};

const std::vector<MetricInfo>& all_metrics();
const MetricInfo* find_metric(const std::string& name);
// "accuracy, latency, ..." for error messages.
std::string metric_names();

enum class Direction { Minimize, Maximize };

struct Objective {
  std::string metric;
  Direction direction = Direction::Minimize;
};

struct Constraint {
  std::string metric;
  std::optional<double> min, max;
};

}  // namespace qasim::dse
