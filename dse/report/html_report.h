// The self-contained HTML page of `qasim report`: Chart.js (Debian's libjs-chart.js) and
// the report data are inlined, so the page works offline and can be mailed as one file.
// Plots: accuracy vs latency / energy / area with the Pareto front drawn, the per-layer
// breakdown of a chosen point, latency per accelerator at each precision; sortable tables.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace qasim::dse {

// Where Chart.js is: $QASIM_CHARTJS if set, else Debian's libjs-chart.js files. Throws
// std::runtime_error naming the package when it is not installed.
std::string find_chart_js();

std::string render_html_report(const nlohmann::json& report, const std::string& chart_js_source);

}  // namespace qasim::dse
