#include "dse/report/report_data.h"

#include <fmt/format.h>

#include <algorithm>

#include "dse/search/pareto.h"

namespace qasim::dse {

namespace {

std::optional<double> number(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j.at(key).is_number()) return std::nullopt;
  return j.at(key).get<double>();
}

// Pareto front of (maximize accuracy, minimize axis) over the points that have both.
nlohmann::json front_of(nlohmann::json& points, const std::string& axis) {
  std::vector<Objectives> objectives;
  std::vector<size_t> index;
  double worst = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const nlohmann::json& p = points[i];
    points[i]["pareto_" + axis] = false;
    const auto acc = number(p, "accuracy"), cost = number(p, axis.c_str());
    if (p.at("status") != "ok" || !acc || !cost) continue;
    objectives.push_back({-*acc, *cost});
    index.push_back(i);
    worst = std::max(worst, *cost);
  }
  nlohmann::json out = {{"axis", axis}, {"hashes", nlohmann::json::array()}};
  if (objectives.empty()) {
    out["hypervolume"] = nullptr;
    return out;
  }
  for (const size_t k : pareto_front(objectives)) {
    points[index[k]]["pareto_" + axis] = true;
    out["hashes"].push_back(points[index[k]].at("hash"));
  }
  // Reference: 0 % accuracy and the largest cost seen, so the volume reads as
  // "accuracy-percent x cost-units dominated"; comparable between runs of the same sweep.
  const Objectives reference = {0.0, worst};
  out["hypervolume"] = hypervolume(objectives, reference);
  out["reference"] = {{"accuracy", 0.0}, {axis, worst}};
  return out;
}

}  // namespace

nlohmann::json build_report(const ResultStore& store) {
  nlohmann::json points = nlohmann::json::array();
  int64_t ok = 0, failed = 0, untrained = 0, with_energy = 0, with_area = 0;
  for (const StoredPoint& s : store.all()) {
    nlohmann::json p = s.result.to_json();
    p["hash"] = s.hash;
    p["config"] = s.config;
    p["finished_at"] = s.finished_at;
    p["sweep_id"] = s.sweep_id;
    s.result.ok ? ++ok : ++failed;
    if (s.result.accuracy && !s.result.accuracy->trained) ++untrained;
    with_energy += s.result.energy.has_value();
    with_area += s.result.area.has_value();
    points.push_back(std::move(p));
  }
  nlohmann::json fronts = nlohmann::json::object();
  for (const char* axis : kCostAxes) fronts[axis] = front_of(points, axis);

  nlohmann::json notes = nlohmann::json::array();
  if (untrained > 0)
    notes.push_back(fmt::format(
        "{} point(s) have untrained accuracy: their zoo weights are seeded random, so top-1 "
        "is chance level (give the spec a `trained:` folder or a `training:` section). "
        "Hardware metrics are real.",
        untrained));
  if (ok > 0 && with_energy == 0)
    notes.push_back("energy: pending cost model (no point has energy yet)");
  if (ok > 0 && with_area == 0) notes.push_back("area: pending cost model (no point has area yet)");

  nlohmann::json sweeps = nlohmann::json::array();
  for (const StoredSweep& s : store.sweeps())
    sweeps.push_back(
        {{"id", s.id}, {"started_at", s.started_at}, {"source", s.source}, {"spec", s.spec}});
  return {{"store", store.path()},
          {"counts", {{"points", ok + failed}, {"ok", ok}, {"failed", failed}}},
          {"notes", notes},
          {"sweeps", sweeps},
          {"fronts", fronts},
          {"points", points}};
}

namespace {

std::string csv_cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string report_csv(const nlohmann::json& report) {
  static const std::vector<std::string> columns = {
      "hash",      "status",         "reason",        "accelerator", "preset",
      "precision", "wbits",          "abits",         "mode",        "accuracy",
      "latency",   "cycles",         "throughput",    "utilization", "energy",
      "area",      "pareto_latency", "pareto_energy", "pareto_area", "eval_seconds"};
  std::string out;
  for (const std::string& c : columns) {
    out += c;
    out += ',';
  }
  out += "accuracy_trained\n";
  for (const nlohmann::json& p : report.at("points")) {
    for (const std::string& c : columns) {
      out += csv_cell(p.value(c, nlohmann::json()));
      out += ',';
    }
    const nlohmann::json detail = p.value("accuracy_detail", nlohmann::json());
    if (detail.is_object()) out += csv_cell(detail.value("trained", false));
    out += '\n';
  }
  return out;
}

}  // namespace qasim::dse
