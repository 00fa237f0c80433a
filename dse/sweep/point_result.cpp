#include "dse/sweep/point_result.h"

namespace qasim::dse {

std::optional<double> PointResult::metric(const std::string& name) const {
  if (!ok) return std::nullopt;
  if (name == "accuracy") return accuracy ? std::optional(accuracy->top1) : std::nullopt;
  if (name == "latency") return latency;
  if (name == "cycles") return static_cast<double>(cycles);
  if (name == "throughput") return throughput;
  if (name == "utilization") return utilization;
  if (name == "energy") return energy;
  if (name == "area") return area;
  return std::nullopt;
}

namespace {

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
std::optional<double> optional_from(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

}  // namespace

nlohmann::json PointResult::to_json() const {
  nlohmann::json layers_json = nlohmann::json::array();
  for (const LayerMetrics& l : layers)
    layers_json.push_back({{"name", l.name},
                           {"unit", l.unit},
                           {"cycles", l.cycles},
                           {"macs", l.macs},
                           {"utilization", l.utilization},
                           {"wbits", l.wbits},
                           {"abits", l.abits}});
  nlohmann::json j = {{"hash", hash},
                      {"status", ok ? "ok" : "failed"},
                      {"reason", reason},
                      {"accelerator", accelerator},
                      {"preset", preset},
                      {"precision", precision},
                      {"wbits", wbits},
                      {"abits", abits},
                      {"mode", mode},
                      {"cycles", cycles},
                      {"latency", latency},
                      {"throughput", throughput},
                      {"utilization", utilization},
                      {"energy", optional_json(energy)},
                      {"area", optional_json(area)},
                      {"cost_breakdown", cost_breakdown},
                      {"layers", layers_json},
                      {"eval_seconds", eval_seconds}};
  j["accuracy"] = accuracy ? nlohmann::json(accuracy->top1) : nlohmann::json(nullptr);
  if (accuracy)
    j["accuracy_detail"] = {
        {"images", accuracy->images}, {"trained", accuracy->trained}, {"source", accuracy->source}};
  return j;
}

PointResult PointResult::from_json(const nlohmann::json& j) {
  PointResult r;
  r.hash = j.at("hash").get<std::string>();
  r.ok = j.at("status").get<std::string>() == "ok";
  r.reason = j.value("reason", "");
  r.accelerator = j.value("accelerator", "");
  r.preset = j.value("preset", "");
  r.precision = j.value("precision", "");
  r.wbits = j.value("wbits", 0);
  r.abits = j.value("abits", 0);
  r.mode = j.value("mode", "");
  r.cycles = j.value("cycles", uint64_t{0});
  r.latency = j.value("latency", 0.0);
  r.throughput = j.value("throughput", 0.0);
  r.utilization = j.value("utilization", 0.0);
  r.energy = optional_from(j, "energy");
  r.area = optional_from(j, "area");
  if (j.contains("cost_breakdown")) r.cost_breakdown = j.at("cost_breakdown");
  if (!j.value("accuracy", nlohmann::json()).is_null()) {
    AccuracyResult a;
    a.top1 = j.at("accuracy").get<double>();
    const nlohmann::json d = j.value("accuracy_detail", nlohmann::json::object());
    a.images = d.value("images", int64_t{0});
    a.trained = d.value("trained", false);
    a.source = d.value("source", "");
    r.accuracy = a;
  }
  for (const nlohmann::json& l : j.value("layers", nlohmann::json::array()))
    r.layers.push_back({l.at("name").get<std::string>(), l.value("unit", ""),
                        l.value("cycles", uint64_t{0}), l.value("macs", int64_t{0}),
                        l.value("utilization", 0.0), l.value("wbits", 0), l.value("abits", 0)});
  r.eval_seconds = j.value("eval_seconds", 0.0);
  return r;
}

PointResult failed_result(const DesignPoint& point, const std::string& reason) {
  PointResult r;
  r.hash = point.hash;
  r.ok = false;
  r.reason = reason;
  r.accelerator = point.arch.label();
  r.preset = point.arch.preset;
  r.precision = point.precision.label();
  r.wbits = point.precision.as_model ? 0 : point.precision.wbits;
  r.abits = point.precision.as_model ? 0 : point.precision.abits;
  r.mode = point.mode;
  return r;
}

}  // namespace qasim::dse
