// qasim compare: design points (by hash, from a result store) and `qasim simulate`
// reports side by side: configs and metrics, with the delta and ratio of each against
// the first.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/sweep/result_store.h"
#include "dse/table.h"
#include "workloads/errors.h"

namespace qasim::dse {

namespace {

struct Subject {
  std::string name;                                      // column title
  std::map<std::string, std::string> config;             // config field -> value
  std::map<std::string, std::optional<double>> metrics;  // metric -> value (empty: none)
};

// Row order: configs, then metrics (with units), as far as any subject has them.
const std::vector<std::string> kConfigRows = {
    "model", "accelerator", "precision", "wbits", "abits", "mode", "status", "accuracy source"};
const std::vector<std::pair<std::string, std::string>> kMetricRows = {
    {"accuracy", "%"},   {"latency", "s"}, {"cycles", ""}, {"throughput", "frames/s"},
    {"utilization", ""}, {"energy", "J"},  {"area", "mm2"}};

Subject from_point(const StoredPoint& p) {
  const PointResult& r = p.result;
  Subject s;
  s.name = p.hash;
  s.config = {{"accelerator", r.accelerator},
              {"precision", r.precision},
              {"wbits", std::to_string(r.wbits)},
              {"abits", std::to_string(r.abits)},
              {"mode", r.mode},
              {"status", r.ok ? "ok" : "failed: " + r.reason}};
  const size_t model_at = p.config.find("model: ");
  if (model_at != std::string::npos)
    s.config["model"] = p.config.substr(model_at + 7, p.config.find('\n', model_at) - model_at - 7);
  if (r.accuracy) s.config["accuracy source"] = r.accuracy->trained ? "trained" : "untrained";
  for (const auto& [metric, unit] : kMetricRows) s.metrics[metric] = r.metric(metric);
  return s;
}

Subject from_simulate_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw workloads::InputError(path, "cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    Subject s;
    s.name = path;
    s.config = {{"model", j.at("model").get<std::string>()},
                {"accelerator", j.at("arch").get<std::string>()},
                {"mode", j.at("mode").get<std::string>()},
                {"status", j.at("bit_exact").get<bool>() ? "ok (bit-exact)" : "NOT bit-exact"}};
    const nlohmann::json& t = j.at("timing");
    s.metrics = {{"latency", t.at("seconds").get<double>()},
                 {"cycles", t.at("cycles").get<double>()},
                 {"throughput", t.at("frames_per_second").get<double>()},
                 {"utilization", t.at("mac_utilization").get<double>()}};
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw workloads::InputError(
        path, std::string("not a `qasim simulate` report.json (") + e.what() + ")");
  }
}

std::string number(std::optional<double> v) {
  if (!v) return "";
  return fmt::format("{:.6g}", *v);
}

struct Comparison {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json;
};

Comparison compare(const std::vector<Subject>& subjects) {
  Comparison c;
  c.header = {"field"};
  for (size_t k = 0; k < subjects.size(); ++k)
    c.header.push_back(fmt::format("{}: {}", static_cast<char>('A' + k % 26), subjects[k].name));
  for (size_t k = 1; k < subjects.size(); ++k) {
    const char letter = static_cast<char>('A' + k % 26);
    c.header.push_back(fmt::format("{}-A", letter));
    c.header.push_back(fmt::format("{}/A", letter));
  }
  nlohmann::json json_subjects = nlohmann::json::array();
  for (const Subject& s : subjects) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [m, v] : s.metrics) metrics[m] = v ? nlohmann::json(*v) : nlohmann::json();
    json_subjects.push_back({{"name", s.name}, {"config", s.config}, {"metrics", metrics}});
  }
  c.json = {{"subjects", json_subjects}, {"deltas", nlohmann::json::array()}};
  for (const std::string& row : kConfigRows) {
    std::vector<std::string> cells{row};
    bool any = false;
    for (const Subject& s : subjects) {
      const auto it = s.config.find(row);
      cells.push_back(it == s.config.end() ? "" : it->second);
      any = any || it != s.config.end();
    }
    for (size_t k = 1; k < subjects.size(); ++k) {
      const bool same = cells[k + 1] == cells[1];
      cells.push_back(same ? "" : "differs");
      cells.push_back("");
    }
    if (any) c.rows.push_back(cells);
  }
  for (const auto& [metric, unit] : kMetricRows) {
    std::vector<std::string> cells{unit.empty() ? metric : metric + " (" + unit + ")"};
    bool any = false;
    for (const Subject& s : subjects) {
      const auto it = s.metrics.find(metric);
      const std::optional<double> v = it == s.metrics.end() ? std::nullopt : it->second;
      cells.push_back(v ? number(v) : (metric == "energy" || metric == "area") ? "pending" : "");
      any = any || v.has_value();
    }
    // Plain values, not optionals: GCC 12 misreads optional<double> here (-Wmaybe-uninitialized).
    auto value_of = [&](const Subject& s, double& out) {
      const auto it = s.metrics.find(metric);
      if (it == s.metrics.end() || !it->second) return false;
      out = *it->second;
      return true;
    };
    double base = 0;
    const bool has_base = value_of(subjects[0], base);
    for (size_t k = 1; k < subjects.size(); ++k) {
      double v = 0;
      std::optional<double> delta, ratio;
      if (has_base && value_of(subjects[k], v)) {
        delta = v - base;
        if (base != 0) ratio = v / base;
      }
      cells.push_back(number(delta));
      cells.push_back(number(ratio));
      c.json["deltas"].push_back({{"metric", metric},
                                  {"subject", subjects[k].name},
                                  {"delta", delta ? nlohmann::json(*delta) : nlohmann::json()},
                                  {"ratio", ratio ? nlohmann::json(*ratio) : nlohmann::json()}});
    }
    if (any) c.rows.push_back(cells);
  }
  return c;
}

std::string csv(const Comparison& c) {
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (const char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  };
  std::string out;
  for (const auto* row : {&c.header}) {
    for (size_t i = 0; i < row->size(); ++i) out += (i ? "," : "") + cell((*row)[i]);
    out += "\n";
  }
  for (const auto& row : c.rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + cell(row[i]);
    out += "\n";
  }
  return out;
}

std::string markdown(const Comparison& c) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const std::string& s : cells) {
      std::string escaped;
      for (const char ch : s) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      out += " " + escaped + " |";
    }
    return out + "\n";
  };
  std::string out = line(c.header) + "|";
  for (size_t i = 0; i < c.header.size(); ++i) out += i ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : c.rows) out += line(row);
  return out;
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  std::vector<std::string> items;
  std::string db, out_dir;
  po::options_description options("options");
  options.add_options()(
      "item", po::value(&items)->multitoken(),
      "point hashes (or unique prefixes) from --db, or simulate report.json files")(
      "db", po::value(&db), "the result store the hashes come from")(
      "out,o", po::value(&out_dir), "write compare.csv, compare.json and compare.md into DIR");
  po::positional_options_description positional;
  positional.add("item", -1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim compare A B [C...] [--db results.db] [--out DIR]\n\n"
                  "Compares design points (hashes from a result store) and `qasim simulate`\n"
                  "reports (report.json): configs and metrics, with B-A and B/A for each.",
                  options, positional, vm))
    return kExitOk;
  if (items.size() < 2) throw UsageError("compare needs at least two things to compare");
  if (items.size() > 26) throw UsageError("compare takes at most 26 items");

  std::optional<ResultStore> store;
  std::vector<Subject> subjects;
  for (const std::string& item : items) {
    if (item.ends_with(".json")) {
      subjects.push_back(from_simulate_report(item));
      continue;
    }
    if (db.empty())
      throw UsageError(fmt::format("'{}' is not a .json report; a point hash needs --db", item));
    if (!store) store.emplace(db, true);
    const std::vector<std::string> matches = store->find_prefix(item);
    if (matches.empty())
      throw workloads::InputError(db, fmt::format("no point whose hash starts with '{}'", item));
    if (matches.size() > 1)
      throw workloads::InputError(
          db, fmt::format("'{}' matches {} points ({}, {}, ...): give more digits", item,
                          matches.size(), matches[0], matches[1]));
    subjects.push_back(from_point(*store->get(matches[0])));
  }
  const Comparison c = compare(subjects);
  Table t(c.header);
  for (const auto& row : c.rows) t.add_row(row);
  fmt::print("{}", t.render());
  if (!out_dir.empty()) {
    namespace fs = std::filesystem;
    write_file_atomically((fs::path(out_dir) / "compare.csv").string(), csv(c));
    write_file_atomically((fs::path(out_dir) / "compare.json").string(), c.json.dump(2) + "\n");
    write_file_atomically((fs::path(out_dir) / "compare.md").string(), markdown(c));
    fmt::print("wrote {0}/compare.csv, {0}/compare.json, {0}/compare.md\n", out_dir);
  }
  return kExitOk;
}

}  // namespace qasim::dse
