// What `qasim report` shows, computed once from a result store: every point with its
// config and metrics, the Pareto fronts of accuracy against latency, energy and area,
// their hypervolume, and notes on what is missing (untrained accuracy, pending cost
// model). The CSV, JSON and HTML writers all read this.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "dse/sweep/result_store.h"

namespace qasim::dse {

// The metrics plotted against accuracy; each has its own front.
inline constexpr const char* kCostAxes[] = {"latency", "energy", "area"};

// JSON document: {store, sweeps, counts, notes, points: [...], fronts: {latency: {hashes,
// hypervolume, reference}, ...}}. Each point carries `pareto_<axis>` flags.
nlohmann::json build_report(const ResultStore& store);

// One row per point; empty cells for metrics a point does not have.
std::string report_csv(const nlohmann::json& report);

}  // namespace qasim::dse
