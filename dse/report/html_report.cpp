#include "dse/report/html_report.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "dse/report/html_template.h"

namespace qasim::dse {

std::string find_chart_js() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("QASIM_CHARTJS"); env && *env) {
    candidates.push_back(env);
  } else {
    // chart.umd.js is where Chart.js 4 puts its browser build; 3.x calls it chart.min.js.
    for (const char* name : {"chart.umd.js", "chart.min.js", "chart.js"})
      candidates.push_back(std::string("/usr/share/javascript/chart.js/") + name);
  }
  for (const std::string& path : candidates)
    if (std::filesystem::is_regular_file(path)) return path;
  throw std::runtime_error(
      "Chart.js not found (looked for " + candidates.front() +
      "): install Debian's libjs-chart.js package (apt-get install libjs-chart.js), or point "
      "QASIM_CHARTJS at a Chart.js UMD build");
}

namespace {

// Text placed inside <script> must not close the element early.
std::string script_safe(std::string text) {
  for (size_t at = 0; (at = text.find("</", at)) != std::string::npos; at += 3)
    text.replace(at, 2, "<\\/");
  return text;
}

size_t marker_at(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) throw std::logic_error("report template lacks " + marker);
  return at;
}

}  // namespace

std::string render_html_report(const nlohmann::json& report, const std::string& chart_js_path) {
  std::ifstream in(chart_js_path);
  if (!in) throw std::runtime_error("cannot read Chart.js at " + chart_js_path);
  std::stringstream chart_js;
  chart_js << in.rdbuf();
  // Cut the template at its two markers (Chart.js first, then the data), so nothing
  // inserted is ever searched for a marker.
  const std::string page = kHtmlTemplate;
  const std::string chart_marker = "@CHART_JS@", data_marker = "@REPORT_DATA@";
  const size_t chart_at = marker_at(page, chart_marker), data_at = marker_at(page, data_marker);
  if (data_at < chart_at) throw std::logic_error("report template: markers out of order");
  return page.substr(0, chart_at) + script_safe(chart_js.str()) +
         page.substr(chart_at + chart_marker.size(), data_at - chart_at - chart_marker.size()) +
         script_safe(report.dump()) + page.substr(data_at + data_marker.size());
}

}  // namespace qasim::dse
