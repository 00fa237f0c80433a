#include "dse/sweep/sweep_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "arch/registry.h"
#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::dse {

using workloads::InputError;

namespace {

// Above this many points a spec is almost certainly a mistake (and the store would
// take hours just to fill); split it or use random search.
constexpr size_t kMaxGridPoints = 1'000'000;

struct Reader {
  const std::string& source;

  template <typename T>
  T scalar(const YAML::Node& n, const std::string& key) const {
    return sim::yaml_scalar<T>(n, key, source);
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& problem) const {
    throw InputError(sim::yaml_place(n, source), problem);
  }
  void keys(const YAML::Node& n, const std::vector<std::string>& allowed) const {
    sim::require_known_keys(n, allowed, source);
  }
  // A list of ints, or one int.
  std::vector<int> int_list(const YAML::Node& n, const std::string& key, int lo, int hi) const {
    std::vector<int> out;
    auto add = [&](const YAML::Node& item) {
      const int v = scalar<int>(item, key);
      if (v < lo || v > hi)
        fail(item, fmt::format("'{}' value {} outside [{}, {}]", key, v, lo, hi));
      if (std::find(out.begin(), out.end(), v) != out.end())
        fail(item, fmt::format("'{}' lists {} twice", key, v));
      out.push_back(v);
    };
    if (n.IsSequence()) {
      for (const YAML::Node& item : n) add(item);
      if (out.empty()) fail(n, fmt::format("'{}' is an empty list", key));
    } else {
      add(n);
    }
    return out;
  }
};

Workload parse_workload(const Reader& r, const YAML::Node& n) {
  r.keys(n, {"model", "dataset", "images", "width", "seed", "trained"});
  Workload w;
  if (!n["model"]) r.fail(n, "workload needs 'model: zoo:NAME' or 'model: path/to/model.onnx'");
  w.model = r.scalar<std::string>(n["model"], "model");
  if (!w.is_zoo() && !w.model.ends_with(".onnx"))
    r.fail(n["model"], fmt::format("model '{}' is neither zoo:NAME nor an .onnx file", w.model));
  if (n["dataset"]) w.dataset = r.scalar<std::string>(n["dataset"], "dataset");
  if (n["images"]) {
    w.images = r.scalar<int64_t>(n["images"], "images");
    if (w.images < 0) r.fail(n["images"], "'images' must be >= 0 (0: the whole test split)");
  }
  if (n["width"]) {
    w.width = r.scalar<double>(n["width"], "width");
    if (!(w.width > 0 && w.width <= 8)) r.fail(n["width"], "'width' must be in (0, 8]");
  }
  if (n["seed"]) w.seed = static_cast<uint64_t>(r.scalar<int64_t>(n["seed"], "seed"));
  if (!w.is_zoo() && (n["width"] || n["seed"] || n["trained"]))
    r.fail(n, "'width', 'seed' and 'trained' apply to zoo models only");
  if (const YAML::Node t = n["trained"]) {
    const std::filesystem::path dir = std::filesystem::path(r.scalar<std::string>(t, "trained"));
    const std::filesystem::path resolved =
        dir.is_absolute() ? dir : std::filesystem::path(r.source).parent_path() / dir;
    if (!std::filesystem::is_directory(resolved))
      r.fail(t, fmt::format("'trained' folder '{}' does not exist", resolved.string()));
    w.trained = resolved.lexically_normal().string();
    w.trained_as_written = dir.string();
  }
  return w;
}

// Values of one parameter: a scalar, a list, or {from, to, step | factor}.
std::vector<std::string> parse_param_values(const Reader& r, const std::string& key,
                                            const YAML::Node& n) {
  std::vector<std::string> out;
  auto scalar_text = [&](const YAML::Node& v) {
    if (!v.IsScalar()) r.fail(v, fmt::format("'{}' values must be scalars", key));
    return v.Scalar();
  };
  if (n.IsScalar()) return {scalar_text(n)};
  if (n.IsSequence()) {
    for (const YAML::Node& v : n) out.push_back(scalar_text(v));
    if (out.empty()) r.fail(n, fmt::format("'{}' is an empty list", key));
    return out;
  }
  r.keys(n, {"from", "to", "step", "factor"});
  if (!n["from"] || !n["to"] || (!n["step"] == !n["factor"]))
    r.fail(n, fmt::format("range of '{}' needs from, to and one of step or factor", key));
  const double from = r.scalar<double>(n["from"], "from"), to = r.scalar<double>(n["to"], "to");
  if (to < from) r.fail(n, fmt::format("range of '{}' has to < from", key));
  const bool integral = from == std::floor(from) && to == std::floor(to);
  auto text = [&](double v) {
    return integral ? fmt::format("{}", static_cast<int64_t>(std::llround(v)))
                    : fmt::format("{}", v);
  };
  if (n["step"]) {
    const double step = r.scalar<double>(n["step"], "step");
    if (!(step > 0)) r.fail(n["step"], "'step' must be positive");
    for (double v = from; v <= to + 1e-9 * std::abs(to); v += step) out.push_back(text(v));
  } else {
    const double factor = r.scalar<double>(n["factor"], "factor");
    if (!(factor > 1) || !(from > 0)) r.fail(n["factor"], "'factor' needs factor > 1 and from > 0");
    for (double v = from; v <= to * (1 + 1e-9); v *= factor) out.push_back(text(v));
  }
  return out;
}

std::vector<ArchConfig> parse_accelerator(const Reader& r, const YAML::Node& n,
                                          const arch::Registry& registry) {
  ArchConfig base;
  YAML::Node params;
  if (n.IsScalar()) {
    base.preset = n.Scalar();
  } else {
    r.keys(n, {"preset", "params"});
    if (!n["preset"]) r.fail(n, "an accelerator needs 'preset: NAME' (see `qasim list-archs`)");
    base.preset = r.scalar<std::string>(n["preset"], "preset");
    params = n["params"];
  }
  if (!registry.find(base.preset)) {
    std::string names;
    for (const arch::ArchInfo& a : registry.all()) names += (names.empty() ? "" : ", ") + a.name;
    r.fail(n, fmt::format("unknown accelerator '{}' (known: {})", base.preset, names));
  }
  // Cartesian product of the parameter values, keys sorted so configs are canonical.
  std::vector<ArchConfig> out{base};
  if (params.IsDefined() && !params.IsNull()) {
    if (!params.IsMap()) r.fail(params, "'params' must map parameter names to values or ranges");
    std::map<std::string, YAML::Node> sorted;
    for (const auto& kv : params) sorted[kv.first.as<std::string>()] = kv.second;
    for (const auto& [key, values_node] : sorted) {
      if (key == "preset") r.fail(values_node, "'preset' goes beside 'params', not inside");
      const std::vector<std::string> values = parse_param_values(r, key, values_node);
      std::vector<ArchConfig> next;
      for (const ArchConfig& c : out)
        for (const std::string& v : values) {
          ArchConfig d = c;
          d.overrides.emplace_back(key, v);
          next.push_back(d);
        }
      out = std::move(next);
      if (out.size() > kMaxGridPoints) r.fail(params, "too many parameter combinations");
    }
  }
  for (ArchConfig& c : out) {
    try {
      resolve_arch(c);
    } catch (const InputError& e) {
      r.fail(n, e.what());
    } catch (const std::invalid_argument& e) {
      r.fail(n, e.what());
    }
  }
  return out;
}

void parse_precision(const Reader& r, const YAML::Node& n, SweepSpec& s) {
  r.keys(n, {"wbits", "abits", "pairing", "scheme", "method", "first_last_bits", "layers"});
  PrecisionAssignment& b = s.base_precision;
  s.wbits = n["wbits"] ? r.int_list(n["wbits"], "wbits", 1, 16) : std::vector<int>{8};
  s.abits = n["abits"] ? r.int_list(n["abits"], "abits", 1, 16) : std::vector<int>{8};
  if (const YAML::Node pairing = n["pairing"]) {
    const std::string how = r.scalar<std::string>(pairing, "pairing");
    if (how != "grid" && how != "same")
      r.fail(pairing, fmt::format("pairing '{}' must be grid (every wbits x abits) or same "
                                  "(wbits[i] with abits[i])",
                                  how));
    s.same_bits = how == "same";
    if (s.same_bits && s.wbits.size() != s.abits.size())
      r.fail(pairing, fmt::format("pairing: same needs wbits and abits of one length ({} and {})",
                                  s.wbits.size(), s.abits.size()));
  }
  if (n["scheme"]) {
    b.scheme = r.scalar<std::string>(n["scheme"], "scheme");
    static const std::set<std::string> schemes = {"uniform", "ternary", "pow2", "codebook",
                                                  "fixed"};
    if (!schemes.contains(b.scheme))
      r.fail(n["scheme"], fmt::format("scheme '{}' must be one of uniform, ternary, pow2, "
                                      "codebook, fixed (1-bit weights are binary)",
                                      b.scheme));
  }
  if (n["method"]) b.method = r.scalar<std::string>(n["method"], "method");
  if (n["first_last_bits"]) {
    b.first_last_bits = r.scalar<int>(n["first_last_bits"], "first_last_bits");
    if (b.first_last_bits != 0 && (b.first_last_bits < 2 || b.first_last_bits > 16))
      r.fail(n["first_last_bits"], "'first_last_bits' must be 0 (8 below 8 bits) or 2..16");
  }
  if (const YAML::Node layers = n["layers"]) {
    if (!layers.IsMap()) r.fail(layers, "'layers' maps layer names to {wbits, abits}");
    for (const auto& kv : layers) {
      r.keys(kv.second, {"wbits", "abits"});
      LayerBits bits;
      auto one = [&](const char* key) {
        const YAML::Node v = kv.second[key];
        if (!v.IsScalar()) r.fail(v, fmt::format("'{}' of a layer is one number of bits", key));
        return r.int_list(v, key, 1, 16).front();
      };
      if (kv.second["wbits"]) bits.wbits = one("wbits");
      if (kv.second["abits"]) bits.abits = one("abits");
      b.layers[kv.first.as<std::string>()] = bits;
    }
  }
}

// Values of `key` in (0, 1]: a list or one number.
std::vector<double> density_list(const Reader& r, const YAML::Node& n) {
  std::vector<double> out;
  auto add = [&](const YAML::Node& item) {
    const double v = r.scalar<double>(item, "density");
    if (!(v > 0 && v <= 1))
      r.fail(item, fmt::format("'density' {} is the fraction of weights kept: (0, 1]", v));
    if (std::find(out.begin(), out.end(), v) != out.end())
      r.fail(item, fmt::format("'density' lists {} twice", v));
    out.push_back(v);
  };
  if (n.IsSequence()) {
    for (const YAML::Node& item : n) add(item);
    if (out.empty()) r.fail(n, "'density' is an empty list");
  } else {
    add(n);
  }
  return out;
}

void parse_compression(const Reader& r, const YAML::Node& n, const arch::Registry& registry,
                       SweepSpec& s) {
  r.keys(n, {"accelerators", "density", "codebook_bits", "abits"});
  if (!s.workload.is_zoo())
    r.fail(n, "'compression' prunes and shares a zoo model's weights: it needs a zoo model");
  const YAML::Node accels = n["accelerators"];
  if (!accels || !accels.IsSequence())
    r.fail(accels ? accels : n, "'compression' needs 'accelerators: [NAME, ...]' (e.g. [eie])");
  for (const YAML::Node& a : accels)
    for (ArchConfig& c : parse_accelerator(r, a, registry))
      s.compression_archs.push_back(std::move(c));
  if (s.compression_archs.empty()) r.fail(accels, "'accelerators' is an empty list");
  if (!n["density"]) r.fail(n, "'compression' needs 'density: [fractions of weights kept]'");
  if (!n["codebook_bits"])
    r.fail(n, "'compression' needs 'codebook_bits: [index bits]' (4: 15 shared values + 0)");
  const std::vector<double> densities = density_list(r, n["density"]);
  const std::vector<int> books = r.int_list(n["codebook_bits"], "codebook_bits", 2, 8);
  const std::vector<int> abits =
      n["abits"] ? r.int_list(n["abits"], "abits", 2, 16) : std::vector<int>{8};
  for (const double d : densities)
    for (const int b : books)
      for (const int a : abits) {
        PrecisionAssignment p;
        p.compressed = true;
        p.density = d;
        p.wbits = b;
        p.abits = a;
        p.scheme = "codebook";
        p.method = "deep-compression";
        s.compressed_precisions.push_back(p);
      }
}

void parse_objectives(const Reader& r, const YAML::Node& n, SweepSpec& s, bool cost_model) {
  auto metric = [&](const YAML::Node& node, const std::string& name) {
    const MetricInfo* m = find_metric(name);
    if (!m) r.fail(node, fmt::format("unknown metric '{}' (one of: {})", name, metric_names()));
    if (m->needs_cost_model && !cost_model)
      r.fail(node, fmt::format("'{}' comes from the cost model, which this build does not have "
                               "yet (pending: sim/cost)",
                               name));
  };
  if (!n.IsSequence())
    r.fail(n, "'objectives' is a list of {minimize: METRIC} / {maximize: METRIC}");
  for (const YAML::Node& item : n) {
    r.keys(item, {"minimize", "maximize"});
    if (item.size() != 1) r.fail(item, "one of minimize or maximize per objective");
    Objective o;
    o.direction = item["minimize"] ? Direction::Minimize : Direction::Maximize;
    const YAML::Node v = item["minimize"] ? item["minimize"] : item["maximize"];
    o.metric = r.scalar<std::string>(v, "objective");
    metric(v, o.metric);
    for (const Objective& other : s.objectives)
      if (other.metric == o.metric) r.fail(v, fmt::format("objective '{}' given twice", o.metric));
    s.objectives.push_back(o);
  }
}

void parse_constraints(const Reader& r, const YAML::Node& n, SweepSpec& s, bool cost_model) {
  if (!n.IsMap()) r.fail(n, "'constraints' maps metrics to {min: X} and/or {max: Y}");
  for (const auto& kv : n) {
    Constraint c;
    c.metric = kv.first.as<std::string>();
    const MetricInfo* m = find_metric(c.metric);
    if (!m)
      r.fail(kv.first, fmt::format("unknown metric '{}' (one of: {})", c.metric, metric_names()));
    if (m->needs_cost_model && !cost_model)
      r.fail(kv.first, fmt::format("'{}' comes from the cost model, which this build does not "
                                   "have yet (pending: sim/cost)",
                                   c.metric));
    r.keys(kv.second, {"min", "max"});
    if (kv.second["min"]) c.min = r.scalar<double>(kv.second["min"], "min");
    if (kv.second["max"]) c.max = r.scalar<double>(kv.second["max"], "max");
    if (!c.min && !c.max) r.fail(kv.second, "a constraint needs min or max");
    if (c.min && c.max && *c.min > *c.max) r.fail(kv.second, "min > max: no point can satisfy it");
    s.constraints.push_back(c);
  }
}

void parse_search(const Reader& r, const YAML::Node& n, SweepSpec& s) {
  r.keys(n, {"method", "samples", "population", "generations", "seed", "layers"});
  SearchSpec& q = s.search;
  if (n["method"]) q.method = r.scalar<std::string>(n["method"], "method");
  if (q.method != "grid" && q.method != "random" && q.method != "nsga2")
    r.fail(n["method"], fmt::format("search method '{}' must be grid, random or nsga2", q.method));
  auto positive = [&](const char* key, auto& field, int64_t hi) {
    if (!n[key]) return;
    const int64_t v = r.scalar<int64_t>(n[key], key);
    if (v < 1 || v > hi) r.fail(n[key], fmt::format("'{}' must be in [1, {}]", key, hi));
    field = static_cast<std::remove_reference_t<decltype(field)>>(v);
  };
  positive("samples", q.samples, int64_t{kMaxGridPoints});
  positive("population", q.population, 10000);
  positive("generations", q.generations, 10000);
  if (n["seed"]) q.seed = static_cast<uint64_t>(r.scalar<int64_t>(n["seed"], "seed"));
  if (q.method == "random" && !n["samples"]) r.fail(n, "random search needs 'samples: N'");
  if (q.method == "nsga2" && q.population % 2) r.fail(n["population"], "'population' must be even");
  if (const YAML::Node layers = n["layers"]) {
    if (layers.IsScalar() && layers.Scalar() == "all") {
    } else if (layers.IsSequence()) {
      for (const YAML::Node& l : layers) q.layers.push_back(r.scalar<std::string>(l, "layers"));
    } else {
      r.fail(layers, "'layers' is `all` or a list of layer names");
    }
  }
  if (q.method != "nsga2" && (n["population"] || n["generations"] || n["layers"]))
    r.fail(n, "population, generations and layers apply to nsga2 only");
}

}  // namespace

SweepSpec parse_sweep_spec_text(const std::string& text, const std::string& source,
                                bool cost_model_available) {
  const Reader r{source};
  const YAML::Node root = sim::load_yaml_text(text, source);
  r.keys(root, {"workload", "accelerators", "precision", "training", "compression", "evaluation",
                "objectives", "constraints", "search"});
  SweepSpec s;
  s.source = source;
  s.text = text;
  if (!root["workload"]) r.fail(root, "the spec needs a 'workload:' section");
  s.workload = parse_workload(r, root["workload"]);

  arch::Registry registry;
  arch::register_all(registry);
  const YAML::Node accels = root["accelerators"];
  if (!accels || (accels.IsScalar() && accels.Scalar() == "all")) {
    for (const arch::ArchInfo& a : registry.all()) {
      ArchConfig c;
      c.preset = a.name;
      resolve_arch(c);
      s.archs.push_back(c);
    }
  } else if (accels.IsSequence()) {
    for (const YAML::Node& a : accels)
      for (ArchConfig& c : parse_accelerator(r, a, registry)) s.archs.push_back(std::move(c));
    if (s.archs.empty()) r.fail(accels, "'accelerators' is an empty list");
  } else {
    r.fail(accels, "'accelerators' is `all` or a list of presets ({preset: NAME, params: ...})");
  }

  if (const YAML::Node p = root["precision"]) {
    if (!s.workload.is_zoo())
      r.fail(p, "an imported ONNX model keeps its own precision: remove 'precision'");
    parse_precision(r, p, s);
  } else {
    s.wbits = {8};
    s.abits = {8};
  }
  if (const YAML::Node t = root["training"]) {
    if (!s.workload.is_zoo())
      r.fail(t, "an imported ONNX model was trained by its exporter: remove 'training'");
    const PrecisionAssignment& b = s.base_precision;
    if (b.scheme != "uniform" &&
        std::any_of(s.wbits.begin(), s.wbits.end(), [](int w) { return w >= 2; }))
      r.fail(t, fmt::format("training: the method decides the weight grid; precision.scheme "
                            "must be uniform (not '{}')",
                            b.scheme));
    s.workload.training = parse_training_recipe(t, source, s.wbits, s.abits, b.method);
  }
  if (s.workload.is_zoo()) {
    for (size_t i = 0; i < s.wbits.size(); ++i)
      for (size_t j = 0; j < s.abits.size(); ++j) {
        if (s.same_bits && i != j) continue;
        PrecisionAssignment p = s.base_precision;
        p.wbits = s.wbits[i];
        p.abits = s.abits[j];
        s.precisions.push_back(p);
      }
  } else {
    s.base_precision.as_model = true;
    s.precisions = {s.base_precision};
  }

  if (const YAML::Node c = root["compression"]) parse_compression(r, c, registry, s);

  if (const YAML::Node e = root["evaluation"]) {
    r.keys(e, {"mode", "timeout"});
    if (e["mode"]) s.mode = r.scalar<std::string>(e["mode"], "mode");
    if (s.mode != "fast" && s.mode != "cycle")
      r.fail(e["mode"], fmt::format("mode '{}' must be fast or cycle", s.mode));
    if (e["timeout"]) {
      s.timeout_seconds = r.scalar<double>(e["timeout"], "timeout");
      if (s.timeout_seconds < 0) r.fail(e["timeout"], "'timeout' must be >= 0 seconds (0: none)");
    }
  }
  if (root["objectives"]) parse_objectives(r, root["objectives"], s, cost_model_available);
  if (s.objectives.empty())
    s.objectives = {{"latency", Direction::Minimize}, {"accuracy", Direction::Maximize}};
  if (root["constraints"]) parse_constraints(r, root["constraints"], s, cost_model_available);
  if (root["search"]) parse_search(r, root["search"], s);
  if (s.search.method == "nsga2" && !s.workload.is_zoo())
    r.fail(root["search"], "nsga2 searches per-layer precision: it needs a zoo model");
  if (s.search.method == "nsga2" && root["compression"])
    r.fail(root["compression"],
           "nsga2 searches per-layer bits of dense points; 'compression' "
           "points go with grid or random search");
  const size_t points = s.archs.size() * s.precisions.size() +
                        s.compression_archs.size() * s.compressed_precisions.size();
  if (points > kMaxGridPoints)
    r.fail(root, fmt::format("{} design points: more than {}; narrow the ranges or use "
                             "search: {{method: random, samples: N}}",
                             points, kMaxGridPoints));
  return s;
}

SweepSpec parse_sweep_spec_file(const std::string& path, bool cost_model_available) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the sweep spec");
  std::stringstream text;
  text << in.rdbuf();
  return parse_sweep_spec_text(text.str(), path, cost_model_available);
}

std::vector<DesignPoint> SweepSpec::grid() const {
  std::vector<DesignPoint> out;
  for (const PrecisionAssignment& p : precisions)
    for (const ArchConfig& a : archs) out.push_back(make_point(workload, mode, a, p));
  for (const PrecisionAssignment& p : compressed_precisions)
    for (const ArchConfig& a : compression_archs) out.push_back(make_point(workload, mode, a, p));
  return out;
}

bool SweepSpec::uses_metric(const std::string& name) const {
  for (const Objective& o : objectives)
    if (o.metric == name) return true;
  for (const Constraint& c : constraints)
    if (c.metric == name) return true;
  return false;
}

}  // namespace qasim::dse
