#include "dse/infer_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "dse/model_table.h"
#include "dse/table.h"

namespace qasim::dse {

LayerReport layer_report(const workloads::GoldenEngine& engine, int64_t images) {
  const workloads::Graph& g = engine.graph();
  Table t({"#", "layer", "op", "output", "weights", "MACs/img", "ms/img", "GMAC/s", "out range"});
  LayerReport r;
  r.json["layers"] = nlohmann::json::array();
  double seconds = 0;
  int64_t macs = 0;
  for (size_t i = 1; i < g.layers.size(); ++i) {
    const workloads::Layer& l = g.layers[i];
    const workloads::LayerProfile& p = engine.profile()[i];
    seconds += p.seconds;
    macs += p.macs;
    const double gmacs = p.seconds > 0 ? p.macs / p.seconds / 1e9 : 0;
    t.add_row({std::to_string(i), l.name, workloads::to_string(l.kind),
               workloads::to_string(l.output_shape), describe_weights(l),
               human_count(static_cast<double>(g.layer_macs(i))),
               fmt::format("{:.3f}", 1e3 * p.seconds / images),
               p.macs ? fmt::format("{:.1f}", gmacs) : "",
               fmt::format("[{}, {}]", p.out_min, p.out_max)});
    r.json["layers"].push_back(
        {{"index", i},
         {"name", l.name},
         {"op", workloads::to_string(l.kind)},
         {"output_shape", {l.output_shape.c, l.output_shape.h, l.output_shape.w}},
         {"macs_per_image", g.layer_macs(i)},
         {"seconds", p.seconds},
         {"out_min", p.out_min},
         {"out_max", p.out_max}});
  }
  r.json["seconds"] = seconds;
  r.json["gmac_per_second"] = seconds > 0 ? macs / seconds / 1e9 : 0;
  r.text = t.render() + fmt::format("all layers: {:.3f} ms/img, {:.1f} GMAC/s\n",
                                    1e3 * seconds / images, seconds > 0 ? macs / seconds / 1e9 : 0);
  return r;
}

std::string numerics_label(const kernels::Numerics& n) {
  std::string s = fmt::format("{}, acc{} {}", kernels::to_string(n.requant), n.accumulator.bits,
                              kernels::to_string(n.accumulator.overflow));
  if (n.requant == kernels::RequantMode::MulShift) s += fmt::format(", m{}", n.mulshift_bits);
  return s;
}

nlohmann::json numerics_json(const kernels::Numerics& n) {
  return {{"requant", kernels::to_string(n.requant)},
          {"accumulator_bits", n.accumulator.bits},
          {"overflow", kernels::to_string(n.accumulator.overflow)},
          {"mulshift_bits", n.mulshift_bits}};
}

void accumulate(kernels::Mismatch& total, const kernels::Mismatch& more) {
  const int64_t n = total.total + more.total;
  if (n > 0)
    total.mean_abs_diff = (total.mean_abs_diff * total.total + more.mean_abs_diff * more.total) / n;
  total.total = n;
  total.differing += more.differing;
  total.max_abs_diff = std::max(total.max_abs_diff, more.max_abs_diff);
}

std::string mismatch_table(const workloads::Graph& g,
                           const std::vector<kernels::Mismatch>& per_layer) {
  Table t({"#", "layer", "values", "differing", "%", "max |diff|", "mean |diff|"});
  for (size_t i = 1; i < g.layers.size(); ++i) {
    const kernels::Mismatch& m = per_layer[i];
    t.add_row({std::to_string(i), g.layers[i].name, std::to_string(m.total),
               std::to_string(m.differing),
               fmt::format("{:.2f}", m.total ? 100.0 * m.differing / m.total : 0.0),
               std::to_string(m.max_abs_diff), fmt::format("{:.4f}", m.mean_abs_diff)});
  }
  return t.render() +
         "(differences compound: each layer sees the previous layers' changed values)\n";
}

nlohmann::json mismatch_json(const workloads::Graph& g,
                             const std::vector<kernels::Mismatch>& per_layer) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 1; i < g.layers.size(); ++i) {
    const kernels::Mismatch& m = per_layer[i];
    out.push_back({{"layer", g.layers[i].name},
                   {"values", m.total},
                   {"differing", m.differing},
                   {"max_abs_diff", m.max_abs_diff},
                   {"mean_abs_diff", m.mean_abs_diff}});
  }
  return out;
}

}  // namespace qasim::dse
