#include "dse/sweep/training_recipe.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include "kernels/qat/fake_quantizer.h"
#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::dse {

namespace {

namespace qat = kernels::qat;

[[noreturn]] void fail(const YAML::Node& n, const std::string& source, const std::string& problem) {
  throw workloads::InputError(sim::yaml_place(n, source), problem);
}

// Why `method` cannot quantize `role` tensors at `bits` (empty: it can). The trainer's own
// minmax and ema are uniform grids of 2 bits or more; the rest is make_quantizer's call.
std::string method_problem(const std::string& method, qat::Role role, int bits) {
  if (method == "minmax" || method == "ema") {
    const qat::Role own = method == "minmax" ? qat::Role::Weight : qat::Role::Activation;
    if (role != own) return fmt::format("'{}' quantizes {}s only", method, qat::to_string(own));
    return bits >= 2 ? "" : fmt::format("'{}' needs 2 bits or more", method);
  }
  qat::QuantizerSpec spec;
  spec.method = method;
  spec.role = role;
  spec.bits = bits;
  try {
    qat::make_quantizer(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

bool known_method(const std::string& name) {
  const std::vector<std::string> names = qat::method_names();
  return name == "minmax" || name == "ema" ||
         std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string TrainingRecipe::canonical() const {
  std::string out = "training:\n  methods:\n";
  for (const auto& [bits, m] : methods)
    out +=
        fmt::format("    {}: {{weights: {}, activations: {}}}\n", bits, m.weights, m.activations);
  out += fmt::format(
      "  epochs: {}\n  train_images: {}\n  batch: {}\n  lr: {}\n  crop_padding: {}\n"
      "  flip: {}\n  seed: {}\n",
      epochs, train_images, batch, lr, crop_padding, flip, seed);
  return out;
}

BitsMethods TrainingRecipe::methods_for(int wbits, int abits,
                                        const std::string& default_method) const {
  BitsMethods out{default_method, default_method};
  if (const auto w = methods.find(wbits); w != methods.end()) out.weights = w->second.weights;
  if (const auto a = methods.find(abits); a != methods.end())
    out.activations = a->second.activations;
  return out;
}

TrainingRecipe parse_training_recipe(const YAML::Node& node, const std::string& source,
                                     const std::vector<int>& wbits, const std::vector<int>& abits,
                                     const std::string& default_method) {
  sim::require_known_keys(node,
                          {"methods", "epochs", "train_images", "batch", "lr", "crop_padding",
                           "flip", "seed", "threads", "cache"},
                          source);
  TrainingRecipe t;
  auto integer = [&](const char* key, int64_t lo, int64_t hi) -> std::optional<int64_t> {
    const YAML::Node v = node[key];
    if (!v) return std::nullopt;
    const int64_t x = sim::yaml_scalar<int64_t>(v, key, source);
    if (x < lo || x > hi) fail(v, source, fmt::format("'{}' must be in [{}, {}]", key, lo, hi));
    return x;
  };
  if (const auto v = integer("epochs", 1, 100000)) t.epochs = static_cast<int>(*v);
  if (const auto v = integer("train_images", 0, int64_t{1} << 40)) t.train_images = *v;
  if (const auto v = integer("batch", 1, 1 << 20)) t.batch = *v;
  if (const auto v = integer("crop_padding", 0, 64)) t.crop_padding = static_cast<int>(*v);
  if (const auto v = integer("threads", 1, 1024)) t.threads = static_cast<int>(*v);
  if (const YAML::Node v = node["seed"])
    t.seed = static_cast<uint64_t>(sim::yaml_scalar<int64_t>(v, "seed", source));
  if (const YAML::Node v = node["lr"]) {
    t.lr = sim::yaml_scalar<double>(v, "lr", source);
    if (!(t.lr > 0 && t.lr < 100)) fail(v, source, "'lr' must be in (0, 100)");
  }
  if (const YAML::Node v = node["flip"]) t.flip = sim::yaml_scalar<bool>(v, "flip", source);
  if (const YAML::Node v = node["cache"]) {
    const std::filesystem::path dir(sim::yaml_scalar<std::string>(v, "cache", source));
    if (dir.empty()) fail(v, source, "'cache' is an empty path");
    t.cache_as_written = dir.string();
    t.cache_dir = (dir.is_absolute() ? dir : std::filesystem::path(source).parent_path() / dir)
                      .lexically_normal()
                      .string();
  }

  const YAML::Node methods = node["methods"];
  std::map<int, YAML::Node> listed;  // where each width's methods are written
  if (methods) {
    if (!methods.IsMap())
      fail(methods, source,
           "'methods' maps bits to a method (2: dorefa) or to {weights: M, activations: M}");
    for (const auto& kv : methods) {
      const int bits = sim::yaml_scalar<int>(kv.first, "methods", source);
      if (bits < 1 || bits > 16) fail(kv.first, source, "bits in 'methods' must be 1..16");
      if (t.methods.contains(bits))
        fail(kv.first, source, fmt::format("'methods' lists {} bits twice", bits));
      BitsMethods m;
      if (kv.second.IsScalar()) {
        m.weights = m.activations = sim::yaml_scalar<std::string>(kv.second, "methods", source);
      } else {
        sim::require_known_keys(kv.second, {"weights", "activations"}, source);
        if (!kv.second["weights"] || !kv.second["activations"])
          fail(kv.second, source, "a method pair needs both 'weights' and 'activations'");
        m.weights = sim::yaml_scalar<std::string>(kv.second["weights"], "weights", source);
        m.activations =
            sim::yaml_scalar<std::string>(kv.second["activations"], "activations", source);
      }
      // Roles and widths are checked below, for the widths the grid uses in each role.
      for (const std::string& name : {m.weights, m.activations})
        if (!known_method(name))
          fail(kv.second, source,
               fmt::format("unknown method '{}' (one of: {}, minmax, ema)", name,
                           fmt::join(qat::method_names(), ", ")));
      t.methods[bits] = m;
      listed[bits] = kv.second;
    }
  }
  // Every width the precision grid uses, in its role, has a method that takes it.
  auto check = [&](int bits, qat::Role role) {
    const YAML::Node place = listed.contains(bits) ? listed[bits] : methods ? methods : node;
    const BitsMethods m = t.methods_for(bits, bits, default_method);
    const std::string& name = role == qat::Role::Weight ? m.weights : m.activations;
    if (name == "none")
      fail(place, source,
           fmt::format("training: no method for {}-bit {}s (list {} in 'methods', or set "
                       "precision.method)",
                       bits, qat::to_string(role), bits));
    const std::string why = method_problem(name, role, bits);
    if (!why.empty())
      fail(place, source, fmt::format("training: {}-bit {}s: {}", bits, qat::to_string(role), why));
  };
  for (int b : wbits) check(b, qat::Role::Weight);
  for (int b : abits) check(b, qat::Role::Activation);
  return t;
}

}  // namespace qasim::dse
