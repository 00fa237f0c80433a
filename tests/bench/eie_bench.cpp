// EIE model on FC layers shaped like AlexNet's FC6/7/8: magnitude-pruned to a weight density,
// the survivors weight-shared by k-means (linear init) into 15 non-zero centroids plus zero
// (4-bit codebook index), quantized with kernels::quantize_codebook; the input has a chosen
// activation density. Prints one markdown table row: simulated time, PE utilization, load
// balance, stalls, and simulation speed in non-zero MACs per host-second.
//   eie_bench ROWS COLS WEIGHT_DENSITY ACT_DENSITY fast|cycle [LABEL]
//   eie_bench model MODEL.onnx fast|cycle   (a compressed model, e.g. the trained ResNet-20 of
//     `qasim compress`, on the first Fashion-MNIST test image; per-layer rows)
// With mode `cost`: the run priced by the cost model (built-in 45 nm table), per PE and
// component, beside EIE's published per-PE breakdown (Han et al. 2016, Table II).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>

#include "arch/eie/accelerator.h"
#include "arch/eie/actions.h"
#include "arch/eie/cycle_model.h"
#include "arch/eie/fast_model.h"
#include "arch/eie/inventory.h"
#include "kernels/qat/compression.h"
#include "kernels/quantizers.h"
#include "sim/cost/evaluate.h"
#include "sim/cost/technology.h"
#include "workloads/datasets/dataset.h"
#include "workloads/onnx/onnx_import.h"

using namespace qasim;

namespace {

// Magnitude pruning to `density` and k-means sharing (linear init, 8 Lloyd steps) into
// 15 centroids + 0, then the codebook's integer form with `value_bits`-bit entries: the
// Deep Compression primitives of kernels/qat, without fine-tuning.
kernels::Quantized prune_and_share(const kernels::FloatTensor& w, double density, int value_bits) {
  const std::vector<uint8_t> mask = kernels::qat::magnitude_prune_mask(w.values(), density);
  const kernels::qat::SharedWeights shared =
      kernels::qat::share_weights_clusters(w.values(), 15, mask, 8);
  return kernels::qat::to_codebook(shared, value_bits, w.dims());
}

workloads::Graph compressed_fc(int rows, int cols, double density, uint32_t seed,
                               double& actual_density) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  kernels::FloatTensor w({rows, cols});
  for (int64_t i = 0; i < w.size(); ++i) w[i] = normal(rng);
  const kernels::Quantized q = prune_and_share(w, density, 16);
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

// Energy of a finished run (µJ), priced by the cost model's built-in 45 nm table.
double energy_uj(const sim::StatsRecorder& rec, const arch::eie::EieResult& r,
                 const arch::eie::EieParams& p) {
  sim::cost::RunTiming timing;
  timing.total_cycles = r.cycles;
  timing.clock_mhz = p.clock_mhz;
  for (const arch::eie::LayerTiming& l : r.layers)
    timing.layers.push_back({l.name, l.cycles, l.macs});
  const sim::cost::CostReport c =
      sim::cost::evaluate(arch::eie::layer_actions(rec, p), arch::eie::inventory(p),
                          sim::cost::at_table_node(sim::cost::default_technology_table()), timing);
  return c.total.total_pj() * 1e-6;
}

// EIE's per-PE modules (Table II) and the model components that make them up.
struct Module {
  const char* name;
  double paper_mw, paper_um2;  // REFERENCES.md
  std::vector<std::string> components;
};

void print_cost(const workloads::Graph& g, const arch::eie::EieParams& p,
                const kernels::IntTensor& x) {
  const arch::eie::EieAccelerator accel("eie", p);
  const arch::RunResult run = accel.run_with_input(g, x, arch::Mode::Fast);
  sim::cost::RunTiming timing;
  timing.total_cycles = run.cycles;
  timing.clock_mhz = p.clock_mhz;
  for (const arch::LayerResult& l : run.layers) timing.layers.push_back({l.name, l.cycles, l.macs});
  const sim::cost::Technology tech =
      sim::cost::at_table_node(sim::cost::default_technology_table());
  const sim::cost::CostReport r = sim::cost::evaluate(run.actions, accel.inventory(), tech, timing);
  const double n = p.num_pes;
  const auto dyn_mw = [&](const std::string& c) {
    const auto it = r.total.by_component.find(c);
    return it == r.total.by_component.end() ? 0.0 : it->second * 1e-12 / r.seconds * 1e3 / n;
  };
  const auto area = [&](const std::string& c) {
    for (const auto& a : r.area)
      if (a.component == c) return std::pair{a.area_um2 / n, a.leakage_mw / n};
    return std::pair{0.0, 0.0};
  };
  const std::vector<Module> modules = {
      {"SpmatRead", 4.955, 469412, {"spmat_sram"}},
      {"PtrRead", 1.807, 121849, {"ptr_sram"}},
      {"ArithmUnit", 1.162, 3110, {"codebook", "mult", "acc_add"}},
      {"ActRW", 1.122, 18934, {"src_regs", "dst_regs", "act_sram"}},
      {"ActQueue", 0.112, 758, {"act_queue"}},
  };
  fmt::print(
      "| EIE module | model components | model mW/PE (dynamic + leakage) | paper mW/PE | "
      "model µm²/PE | paper µm²/PE |\n|---|---|---|---|---|---|\n");
  double mw_sum = 0, um2_sum = 0, paper_mw = 0, paper_um2 = 0;
  for (const Module& m : modules) {
    double dyn = 0, leak = 0, um2 = 0;
    std::string names;
    for (const std::string& c : m.components) {
      dyn += dyn_mw(c);
      um2 += area(c).first;
      leak += area(c).second;
      names += (names.empty() ? "" : ", ") + c;
    }
    mw_sum += dyn + leak;
    um2_sum += um2;
    paper_mw += m.paper_mw;
    paper_um2 += m.paper_um2;
    fmt::print("| {} | {} | {:.3f} ({:.3f} + {:.3f}) | {:.3f} | {:.0f} | {:.0f} |\n", m.name, names,
               dyn + leak, dyn, leak, m.paper_mw, um2, m.paper_um2);
  }
  fmt::print(
      "| sum of the modules above (model / paper) | | {:.3f} ({:.2f}×) | {:.3f} | {:.0f} "
      "({:.2f}×) | {:.0f} |\n",
      mw_sum, mw_sum / paper_mw, paper_mw, um2_sum, um2_sum / paper_um2, paper_um2);
  fmt::print("| (paper PE total incl. clock tree, fillers) | | | 9.157 | | 638024 |\n");
  double other_mw = 0, other_um2 = 0;
  for (const char* c : {"lnzd", "requant", "ppu"}) {
    other_mw += dyn_mw(c) + area(c).second;
    other_um2 += area(c).first;
  }
  fmt::print(
      "\nOutside the paper's PE modules (LNZD, requantization, PPU), per PE: {:.3f} mW, "
      "{:.0f} µm². Whole run: {:.1f} µs, {:.3f} µJ, {:.1f} mW average for 64 PEs, {:.2f} "
      "pJ per useful MAC; technology: {} at {} nm, {} V.\n",
      other_mw, other_um2, r.seconds * 1e6, r.total.total_pj() * 1e-6, r.average_power_mw,
      r.pj_per_mac, r.technology, r.node_nm, r.voltage_v);
}

}  // namespace

// A compressed model (e.g. `qasim compress`'s) on the first Fashion-MNIST test image.
int bench_model(const std::string& path, const std::string& mode) {
  const workloads::Graph g = workloads::import_onnx(path);
  const workloads::Dataset data = workloads::load_fashion_mnist("test");
  const kernels::IntTensor x = workloads::to_model_input(data, 0, 1, g);
  const arch::eie::EieParams p = arch::eie::EieParams::schema().preset_value("eie");
  arch::eie::EieResult r;
  double t_run = 0;
  uint64_t macs = 0;
  double uj = 0;
  const auto timed = [&](auto& model) {
    const auto t1 = std::chrono::steady_clock::now();
    r = model.run();
    t_run = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    macs = model.stats().pe.macs.value();
    uj = energy_uj(model.recorder(), r, p);
  };
  if (mode == "cycle") {
    arch::eie::CycleModel m(g, p, x);
    timed(m);
  } else {
    arch::eie::FastModel m(g, p, x);
    timed(m);
  }
  fmt::print(
      "| layer | unit | cycles | µs | PE util | load balance | stalls "
      "|\n|---|---|---|---|---|---|---|\n");
  for (const arch::eie::LayerTiming& l : r.layers)
    if (l.cycles)
      fmt::print("| {} | {} | {} | {:.2f} | {:.1f} % | {:.3f} | {} |\n", l.name,
                 arch::eie::to_string(l.unit), l.cycles, l.cycles / p.clock_mhz,
                 100 * l.mac_utilization, l.load_balance, l.stall_cycles);
  fmt::print(
      "\nTotal ({} mode): {} cycles, {:.1f} µs at {} MHz, PE utilization {:.1f} %, {} useful "
      "MACs, energy {:.2f} µJ (cost model, 45 nm), host {:.3f} s for the timing run = {:.1f} M "
      "non-zero MACs per host-second.\n",
      mode, r.cycles, r.seconds * 1e6, p.clock_mhz, 100 * r.mac_utilization, macs, uj, t_run,
      static_cast<double>(macs) / t_run / 1e6);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "model") return bench_model(argv[2], argv[3]);
  if (argc < 6) {
    fmt::print(stderr,
               "usage: eie_bench ROWS COLS WEIGHT_DENSITY ACT_DENSITY fast|cycle|cost [LABEL]\n"
               "       eie_bench model MODEL.onnx fast|cycle\n");
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
  if (mode == "cost") {
    print_cost(g, p, x);
    return 0;
  }
  const auto t0 = std::chrono::steady_clock::now();
  arch::eie::EieResult r;
  uint64_t entries = 0, padding = 0, stalls = 0;
  double uj = 0;
  double t_run = 0;
  const auto timed = [&](auto& model) {
    const auto t1 = std::chrono::steady_clock::now();
    r = model.run();
    t_run = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    entries = model.stats().pe.entries.value();
    padding = model.stats().pe.padding.value();
    stalls = model.stats().lnzd.stall_cycles.value();
    uj = energy_uj(model.recorder(), r, p);
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
      "| {} | {} | {:.1f} % | {:.0f} % | {} | {:.1f} | {:.2f} | {:.1f} % | {:.3f} | {} | {:.1f} % "
      "| "
      "{:.1f} | {:.3f} / {:.2f} |\n",
      label.empty() ? g.name : label, mode, 100 * density, 100 * ad, r.cycles, us, uj,
      100 * l.mac_utilization, l.load_balance, stalls,
      entries ? 100.0 * static_cast<double>(padding) / static_cast<double>(entries) : 0.0,
      static_cast<double>(l.macs) / t_run / 1e6, t_run, t_total);
  return 0;
}

// libsystemc.so refers to sc_main; it is never called because main above comes first.
extern "C" int sc_main(int, char**) {
  return 1;
}
