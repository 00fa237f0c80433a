#include "workloads/train/compress_config.h"

#include <fmt/format.h>

#include <cmath>

#include "workloads/errors.h"

namespace qasim::workloads::train {

namespace {

constexpr const char* kWhere = "compression config";

void check_density(double d, const std::string& what) {
  if (!(d > 0.0 && d <= 1.0))
    throw InputError(kWhere, fmt::format("{}: density {} outside (0, 1]", what, d));
}

void check_codebook_bits(int b, const std::string& what) {
  if (b < 1 || b > 8)
    throw InputError(kWhere, fmt::format("{}: codebook bits {} outside [1, 8]", what, b));
}

}  // namespace

std::string CompressConfig::describe() const {
  std::string text = fmt::format(
      "density={} codebook_bits={} prune_first={} prune_steps={} prune_epochs={} "
      "share_epochs={} value_bits={} share_lr={} calibration_batches={} train={}",
      density, codebook_bits, prune_first, prune_steps, prune_epochs, share_epochs, value_bits,
      share_lr, calibration_batches, train.describe());
  for (const auto& [name, o] : layers)
    text += fmt::format(" {}:{}/{}", name, o.density ? fmt::format("{}", *o.density) : "-",
                        o.codebook_bits ? fmt::format("{}", *o.codebook_bits) : "-");
  return text;
}

double scheduled_density(double target, int step, int steps) {
  if (step >= steps) return target;
  return std::pow(target, static_cast<double>(step) / static_cast<double>(steps));
}

std::vector<LayerPlan> plan_compression(const Graph& graph, const CompressConfig& c) {
  check_density(c.density, "global");
  check_codebook_bits(c.codebook_bits, "global");
  if (c.value_bits < 2 || c.value_bits > 16)
    throw InputError(kWhere, fmt::format("value bits {} outside [2, 16]", c.value_bits));
  if (c.prune_steps < 1) throw InputError(kWhere, "prune steps must be at least 1");
  if (c.prune_epochs < 0 || c.share_epochs < 0)
    throw InputError(kWhere, "fine-tuning epochs must be >= 0");
  if (!(c.share_lr >= 0)) throw InputError(kWhere, "the centroid learning rate must be >= 0");
  if (c.calibration_batches < 1) throw InputError(kWhere, "calibration batches must be >= 1");

  std::vector<LayerPlan> plan;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& l = graph.layers[i];
    if (!l.has_weights() || l.fixed_weights) continue;
    LayerPlan p{i, l.name, plan.empty() && !c.prune_first ? 1.0 : c.density, c.codebook_bits};
    if (const auto o = c.layers.find(l.name); o != c.layers.end()) {
      if (o->second.density) p.density = *o->second.density;
      if (o->second.codebook_bits) p.codebook_bits = *o->second.codebook_bits;
    }
    check_density(p.density, "layer '" + l.name + "'");
    check_codebook_bits(p.codebook_bits, "layer '" + l.name + "'");
    plan.push_back(p);
  }
  for (const auto& [name, o] : c.layers) {
    const int i = graph.find(name);
    if (i < 0 || !graph.layers[static_cast<size_t>(i)].has_weights() ||
        graph.layers[static_cast<size_t>(i)].fixed_weights)
      throw InputError(
          kWhere, fmt::format("override for '{}', which is no learned conv/FC layer of {}", name,
                              graph.name));
  }
  return plan;
}

}  // namespace qasim::workloads::train
