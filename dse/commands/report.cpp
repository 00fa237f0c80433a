// qasim report: a result store as CSV, JSON and one self-contained HTML page (Pareto
// fronts of accuracy against latency, energy and area; per-layer breakdowns; per-
// accelerator comparison; sortable tables).
#include <fmt/format.h>

#include <filesystem>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/report/html_report.h"
#include "dse/report/report_data.h"
#include "dse/table.h"

namespace qasim::dse {

namespace {

std::string front_table(const nlohmann::json& report) {
  Table t({"hash", "accelerator", "precision", "accuracy %", "latency ms", "cycles"});
  std::vector<nlohmann::json> front;
  for (const nlohmann::json& p : report.at("points"))
    if (p.value("pareto_latency", false)) front.push_back(p);
  std::sort(front.begin(), front.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.at("latency").get<double>() < b.at("latency").get<double>();
  });
  for (const nlohmann::json& p : front)
    t.add_row({p.at("hash").get<std::string>(), p.at("accelerator").get<std::string>(),
               p.at("precision").get<std::string>(),
               fmt::format("{:.2f}", p.at("accuracy").get<double>()),
               fmt::format("{:.4f}", 1e3 * p.at("latency").get<double>()),
               std::to_string(p.at("cycles").get<uint64_t>())});
  return t.render();
}

}  // namespace

int cmd_report(const std::vector<std::string>& args) {
  std::string db, out_dir;
  po::options_description options("options");
  options.add_options()("db", po::value(&db), "the result store of `qasim sweep`")(
      "out,o", po::value(&out_dir), "folder for report.html, report.json and points.csv");
  po::positional_options_description positional;
  positional.add("db", 1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim report RESULTS.db --out DIR\n\n"
                  "Writes DIR/report.html (self-contained, works offline), DIR/report.json and\n"
                  "DIR/points.csv from a sweep's result store.",
                  options, positional, vm))
    return kExitOk;
  if (db.empty()) throw UsageError("no result store given (qasim report RESULTS.db --out DIR)");
  if (out_dir.empty()) throw UsageError("--out DIR is required");
  // Look for Chart.js before any work, so a missing package fails fast and clearly.
  const std::string chart_js = find_chart_js();
  const ResultStore store(db, true);
  const nlohmann::json report = build_report(store);

  namespace fs = std::filesystem;
  write_file_atomically((fs::path(out_dir) / "points.csv").string(), report_csv(report));
  write_file_atomically((fs::path(out_dir) / "report.json").string(), report.dump(2) + "\n");
  write_file_atomically((fs::path(out_dir) / "report.html").string(),
                        render_html_report(report, chart_js));

  const nlohmann::json& c = report.at("counts");
  fmt::print("{}: {} points ({} ok, {} failed)\n", db, c.at("points").get<int64_t>(),
             c.at("ok").get<int64_t>(), c.at("failed").get<int64_t>());
  if (c.at("ok").get<int64_t>() > 0)
    fmt::print("\nPareto front, accuracy vs latency:\n{}", front_table(report));
  for (const nlohmann::json& note : report.at("notes"))
    fmt::print("note: {}\n", note.get<std::string>());
  fmt::print("wrote {0}/report.html, {0}/report.json, {0}/points.csv\n", out_dir);
  return kExitOk;
}

}  // namespace qasim::dse
