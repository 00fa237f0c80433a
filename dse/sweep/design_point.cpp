#include "dse/sweep/design_point.h"

#include <fmt/format.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "arch/registry.h"
#include "dse/infer_report.h"
#include "dse/sweep/config_hash.h"
#include "workloads/errors.h"

namespace qasim::dse {

std::string Workload::canonical() const {
  std::string out = fmt::format("model: {}\ndataset: {}\nimages: {}\n", model, dataset, images);
  if (is_zoo()) out += fmt::format("width: {}\nseed: {}\n", width, seed);
  // The folder as the spec names it, so a point's hash does not depend on the checkout.
  if (!trained.empty()) out += fmt::format("trained: {}\n", trained_as_written);
  if (training) out += training->canonical();
  return out;
}

std::string PrecisionAssignment::label() const {
  if (as_model) return "model";
  // As `qasim compress` names its models: base precision, density %, codebook bits.
  if (compressed) return fmt::format("w8a{}-d{:g}-c{}", abits, density * 100, wbits);
  std::string out = fmt::format("w{}a{}", wbits, abits);
  if (wbits >= 2 && scheme != "uniform") out += "-" + scheme;
  if (layers.empty()) return out;
  // Mixed precision: the mean bits of the overridden layers and a short hash to tell
  // assignments with the same means apart.
  double w = 0, a = 0;
  int nw = 0, na = 0;
  for (const auto& [name, bits] : layers) {
    if (bits.wbits) w += bits.wbits, ++nw;
    if (bits.abits) a += bits.abits, ++na;
  }
  return fmt::format("mixed w{:.1f}a{:.1f} {}", nw ? w / nw : wbits, na ? a / na : abits,
                     config_hash(canonical()).substr(0, 6));
}

std::string PrecisionAssignment::canonical() const {
  if (as_model) return "precision: model\n";
  std::string out = fmt::format(
      "precision:\n  wbits: {}\n  abits: {}\n  scheme: {}\n  method: {}\n  first_last_bits: {}\n",
      wbits, abits, wbits == 1 ? "binary" : scheme, method, first_last_bits);
  if (compressed) out += fmt::format("  compressed: {{density: {}}}\n", density);
  if (!layers.empty()) {
    out += "  layers:\n";
    for (const auto& [name, bits] : layers)
      out += fmt::format("    {}: {{wbits: {}, abits: {}}}\n", name, bits.wbits, bits.abits);
  }
  return out;
}

std::string ArchConfig::label() const {
  if (overrides.empty()) return preset;
  std::string out = preset + "{";
  for (size_t i = 0; i < overrides.size(); ++i)
    out += fmt::format("{}{}={}", i ? "," : "", overrides[i].first, overrides[i].second);
  return out + "}";
}

std::string ArchConfig::params_file() const {
  std::string out = fmt::format("preset: {}\n", preset);
  for (const auto& [key, value] : overrides) out += fmt::format("{}: {}\n", key, value);
  return out;
}

namespace {

// A params file that exists while the accelerator is built (make_accelerator reads files).
class TempParamsFile {
 public:
  explicit TempParamsFile(const std::string& text) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/qasim-arch-XXXXXX.yaml";
    const int fd = mkstemps(pattern.data(), 5);
    if (fd < 0) throw std::runtime_error("cannot create a temporary params file in " + pattern);
    close(fd);
    m_path = pattern;
    std::ofstream(m_path) << text;
  }
  ~TempParamsFile() {
    std::error_code ignored;
    std::filesystem::remove(m_path, ignored);
  }
  TempParamsFile(const TempParamsFile&) = delete;
  TempParamsFile& operator=(const TempParamsFile&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

}  // namespace

std::unique_ptr<arch::Accelerator> make_arch(const ArchConfig& config) {
  if (config.overrides.empty()) return arch::make_accelerator(config.preset);
  const TempParamsFile file(config.params_file());
  try {
    return arch::make_accelerator(file.path());
  } catch (const workloads::InputError& e) {
    // The temporary file's name means nothing to the user: name the config instead.
    throw workloads::InputError(config.label(), e.problem());
  }
}

void resolve_arch(ArchConfig& config) {
  const std::unique_ptr<arch::Accelerator> accel = make_arch(config);
  config.resolved_params = accel->params_yaml();
  config.numerics = numerics_label(accel->numerics());
}

DesignPoint make_point(const Workload& workload, const std::string& mode, const ArchConfig& arch,
                       const PrecisionAssignment& precision) {
  DesignPoint p{arch, precision, mode, "", "", ""};
  std::string indented;
  for (size_t start = 0; start < arch.resolved_params.size();) {
    size_t end = arch.resolved_params.find('\n', start);
    if (end == std::string::npos) end = arch.resolved_params.size();
    indented += "  " + arch.resolved_params.substr(start, end - start) + "\n";
    start = end + 1;
  }
  const std::string accuracy_text =
      workload.canonical() + precision.canonical() + "numerics: " + arch.numerics + "\n";
  p.accuracy_key = config_hash(accuracy_text);
  p.config_text = accuracy_text + fmt::format("mode: {}\naccelerator: {}\nparams:\n{}", mode,
                                              arch.preset, indented);
  p.hash = config_hash(p.config_text);
  return p;
}

}  // namespace qasim::dse

namespace qasim::dse {

nlohmann::json point_to_json(const DesignPoint& p) {
  nlohmann::json layers = nlohmann::json::object();
  for (const auto& [name, bits] : p.precision.layers)
    layers[name] = {{"wbits", bits.wbits}, {"abits", bits.abits}};
  nlohmann::json overrides = nlohmann::json::array();
  for (const auto& [key, value] : p.arch.overrides) overrides.push_back({key, value});
  return {{"arch",
           {{"preset", p.arch.preset},
            {"overrides", overrides},
            {"resolved_params", p.arch.resolved_params},
            {"numerics", p.arch.numerics}}},
          {"precision",
           {{"as_model", p.precision.as_model},
            {"wbits", p.precision.wbits},
            {"abits", p.precision.abits},
            {"scheme", p.precision.scheme},
            {"method", p.precision.method},
            {"first_last_bits", p.precision.first_last_bits},
            {"compressed", p.precision.compressed},
            {"density", p.precision.density},
            {"layers", layers}}},
          {"mode", p.mode},
          {"config_text", p.config_text},
          {"hash", p.hash},
          {"accuracy_key", p.accuracy_key}};
}

DesignPoint point_from_json(const nlohmann::json& j) {
  DesignPoint p;
  const nlohmann::json& a = j.at("arch");
  p.arch.preset = a.at("preset").get<std::string>();
  for (const nlohmann::json& kv : a.at("overrides"))
    p.arch.overrides.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
  p.arch.resolved_params = a.at("resolved_params").get<std::string>();
  p.arch.numerics = a.at("numerics").get<std::string>();
  const nlohmann::json& q = j.at("precision");
  p.precision.as_model = q.at("as_model").get<bool>();
  p.precision.wbits = q.at("wbits").get<int>();
  p.precision.abits = q.at("abits").get<int>();
  p.precision.scheme = q.at("scheme").get<std::string>();
  p.precision.method = q.at("method").get<std::string>();
  p.precision.first_last_bits = q.at("first_last_bits").get<int>();
  p.precision.compressed = q.at("compressed").get<bool>();
  p.precision.density = q.at("density").get<double>();
  for (const auto& [name, bits] : q.at("layers").items())
    p.precision.layers[name] = {bits.at("wbits").get<int>(), bits.at("abits").get<int>()};
  p.mode = j.at("mode").get<std::string>();
  p.config_text = j.at("config_text").get<std::string>();
  p.hash = j.at("hash").get<std::string>();
  p.accuracy_key = j.at("accuracy_key").get<std::string>();
  return p;
}

}  // namespace qasim::dse
