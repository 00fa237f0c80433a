// EIE model on FC layers shaped like AlexNet's FC6/7/8: magnitude-pruned to a weight density,
// the survivors weight-shared by k-means (linear init) into 15 non-zero centroids plus zero
// (4-bit codebook index), quantized with kernels::quantize_codebook; the input has a chosen
// activation density. Prints one markdown table row: simulated time, PE utilization, load
// balance, stalls, and simulation speed in non-zero MACs per host-second.
//   eie_bench ROWS COLS WEIGHT_DENSITY ACT_DENSITY fast|cycle [LABEL]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>

#include "arch/eie/accelerator.h"
#include "arch/eie/cycle_model.h"
#include "arch/eie/fast_model.h"
#include "kernels/quantizers.h"

using namespace qasim;

namespace {

// Deep Compression's weight sharing on the surviving weights: k-means with centroids
// initialised linearly over [min, max], `iterations` Lloyd steps.
std::vector<float> kmeans(const std::vector<float>& values, int k, int iterations) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::vector<float> c(static_cast<size_t>(k));
  for (int i = 0; i < k; ++i) c[i] = *lo + (*hi - *lo) * (static_cast<float>(i) + 0.5f) / k;
  for (int it = 0; it < iterations; ++it) {
    std::vector<double> sum(size_t(k), 0.0);
    std::vector<int64_t> count(size_t(k), 0);
    for (float v : values) {
      const auto nearest = std::min_element(c.begin(), c.end(), [v](float a, float b) {
        return std::fabs(a - v) < std::fabs(b - v);
      });
      sum[nearest - c.begin()] += v;
      ++count[nearest - c.begin()];
    }
    for (int i = 0; i < k; ++i)
      if (count[i]) c[i] = static_cast<float>(sum[i] / count[i]);
  }
  return c;
}

workloads::Graph compressed_fc(int rows, int cols, double density, uint32_t seed,
                               double& actual_density) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  kernels::FloatTensor w({rows, cols});
  for (int64_t i = 0; i < w.size(); ++i) w[i] = normal(rng);
  // Magnitude pruning: keep the `density` largest |w|.
  std::vector<float> mag(size_t(w.size()));
  for (int64_t i = 0; i < w.size(); ++i) mag[i] = std::fabs(w[i]);
  const size_t keep = static_cast<size_t>(density * static_cast<double>(mag.size()));
  std::nth_element(mag.begin(), mag.end() - static_cast<std::ptrdiff_t>(keep), mag.end());
  const float threshold = mag[mag.size() - keep];
  std::vector<float> survivors;
  for (int64_t i = 0; i < w.size(); ++i) {
    if (std::fabs(w[i]) < threshold)
      w[i] = 0.f;
    else
      survivors.push_back(w[i]);
  }
  std::vector<float> centroids = kmeans(survivors, 15, 8);
  centroids.insert(centroids.begin(), 0.f);
  const kernels::Quantized q = kernels::quantize_codebook(w, centroids, 16);
  int64_t nonzero = 0;
  for (int64_t i = 0; i < q.values.size(); ++i) nonzero += q.values[i] != 0;
  actual_density = static_cast<double>(nonzero) / static_cast<double>(q.values.size());

  workloads::Graph g;
  g.name = fmt::format("fc{}x{}", cols, rows);
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {cols, 1, 1};
  in.output_q = kernels::QuantParams::uniform(8, false, 0.05f, 0);
  g.layers.push_back(in);
  workloads::Layer fc;
  fc.name = "fc";
  fc.kind = workloads::OpKind::FullyConnected;
  fc.inputs = {0};
  fc.out_channels = rows;
  fc.activation = kernels::Activation::Relu;
  fc.weight_q = q.params;
  fc.weights = q.values;
  fc.bias.assign(size_t(rows), 0);
  fc.output_q = kernels::QuantParams::uniform(8, false, 0.1f, 0);
  g.layers.push_back(fc);
  g.infer_shapes();
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    fmt::print(stderr,
               "usage: eie_bench ROWS COLS WEIGHT_DENSITY ACT_DENSITY fast|cycle [LABEL]\n");
    return 2;
  }
  const int rows = std::atoi(argv[1]), cols = std::atoi(argv[2]);
  const double wd = std::atof(argv[3]), ad = std::atof(argv[4]);
  const std::string mode = argv[5], label = argc > 6 ? argv[6] : "";
  double density = 0;
  const workloads::Graph g = compressed_fc(rows, cols, wd, 7, density);
  arch::eie::EieParams p = arch::eie::EieParams::schema().preset_value("eie");
  p.synthetic_activation_density = ad;
  const kernels::IntTensor x = arch::eie::synthetic_input(g, p);
  const auto t0 = std::chrono::steady_clock::now();
  arch::eie::EieResult r;
  uint64_t entries = 0, padding = 0, stalls = 0;
  double t_run = 0;
  const auto timed = [&](auto& model) {
    const auto t1 = std::chrono::steady_clock::now();
    r = model.run();
    t_run = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    entries = model.stats().pe.entries.value();
    padding = model.stats().pe.padding.value();
    stalls = model.stats().lnzd.stall_cycles.value();
  };
  if (mode == "cycle") {
    arch::eie::CycleModel m(g, p, x);
    timed(m);
  } else {
    arch::eie::FastModel m(g, p, x);
    timed(m);
  }
  const double t_total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const arch::eie::LayerTiming& l = r.layers.at(1);
  const double us = r.seconds * 1e6;
  // | layer | mode | weight density | act density | cycles | µs | PE util | load bal | stalls |
  //   padding % | M nz-MAC/host-s (run) | host s (run / total incl. compile+execute) |
  fmt::print(
      "| {} | {} | {:.1f} % | {:.0f} % | {} | {:.1f} | {:.1f} % | {:.3f} | {} | {:.1f} % | "
      "{:.1f} | {:.3f} / {:.2f} |\n",
      label.empty() ? g.name : label, mode, 100 * density, 100 * ad, r.cycles, us,
      100 * l.mac_utilization, l.load_balance, stalls,
      entries ? 100.0 * static_cast<double>(padding) / static_cast<double>(entries) : 0.0,
      static_cast<double>(l.macs) / t_run / 1e6, t_run, t_total);
  return 0;
}

// libsystemc.so refers to sc_main; it is never called because main above comes first.
extern "C" int sc_main(int, char**) {
  return 1;
}
