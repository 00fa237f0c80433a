// Figures of the UNPU-style model for scripts/bench_unpu.sh:
//   unpu_bench peak VOLTS               peak and achieved GOPS at 1..16-bit weights, energy
//                                       efficiency of the shaped layer (cost model, 65 nm)
//   unpu_bench net MODEL SIZE BITS MODE VOLTS
//                                       one network at one weight precision (all weighted
//                                       layers, first and last included; binary at 1 bit):
//                                       cycles, frames/s, energy, the simulator's speed
// Cycle mode elaborates SystemC, so call it once per process.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "arch/registry.h"
#include "arch/unpu/accelerator.h"
#include "arch/unpu/compiler.h"
#include "arch/unpu/params.h"
#include "dse/cost_report.h"
#include "sim/cost/technology.h"
#include "workloads/zoo/zoo.h"

using namespace qasim;

namespace {

// The cost model's built-in table at UNPU's 65 nm and `volts`.
sim::cost::Technology unpu_technology(double volts) {
  const sim::cost::Technology table =
      sim::cost::at_table_node(sim::cost::default_technology_table());
  return sim::cost::with_voltage(sim::cost::with_node(table, 65), volts);
}

double on_chip_pj(const sim::cost::LayerCost& c) {
  return c.compute_pj + c.register_file_pj + c.sram_pj;
}

kernels::QuantParams weight_quant(int bits) {
  return bits == 1 ? kernels::QuantParams::binary({1.f})
                   : kernels::QuantParams::uniform(bits, true, 1.f);
}

// 1x1 conv of 768 channels (16 chunks of 48, or 12 of 64 at 1 bit: 4 or 3 per DNN core),
// 12x12 pixels (24 rounds of the 6 LBPEs of a core), 72 outputs (6 lane groups of 12):
// shaped to the array.
workloads::Graph shaped_layer(int bits) {
  workloads::Graph g;
  g.name = "shaped_1x1";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {768, 12, 12};
  in.output_q = kernels::QuantParams::uniform(16, false, 1.f);
  g.layers.push_back(in);
  workloads::Layer conv;
  conv.name = "conv";
  conv.kind = workloads::OpKind::Conv;
  conv.inputs = {0};
  conv.out_channels = 72;
  conv.weight_q = weight_quant(bits);
  conv.output_q = kernels::QuantParams::uniform(16, false, 1.f);
  g.layers.push_back(conv);
  g.infer_shapes();
  return g;
}

int peak(double volts) {
  const arch::unpu::UnpuParams p = arch::unpu::UnpuParams::schema().preset_value("unpu");
  const arch::unpu::UnpuAccelerator accel("unpu", p);
  const sim::cost::Technology tech = unpu_technology(volts);
  const double hz = p.clock_mhz * 1e6;
  const std::vector<int> precisions{1, 2, 4, 8, 16};
  std::vector<sim::cost::CostReport> costs;
  std::vector<double> layer_macs;
  fmt::print(
      "| weight bits | peak MACs/cycle | peak GOPS | published GOPS | shaped layer: "
      "DNN-core GOPS | shaped layer: GOPS with DMA and DRAM | on-chip dynamic TOPS/W | "
      "TOPS/W with DRAM and leakage | published TOPS/W |\n");
  fmt::print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int bits : precisions) {
    const arch::RunResult r = accel.run(shaped_layer(bits), arch::Mode::Fast);
    costs.push_back(dse::cost_of_run(r, accel, tech));
    const sim::cost::CostReport& cost = costs.back();
    const double macs = static_cast<double>(r.layers[1].macs);
    layer_macs.push_back(macs);
    const double core = static_cast<double>(r.layers[1].busy_cycles);
    const double layer = static_cast<double>(r.layers[1].cycles);
    const char* published = bits == 1 ? "7372" : bits == 16 ? "345.6" : "";
    const char* published_eff = bits == 1 ? "50.6" : bits == 16 ? "3.08" : "";
    fmt::print("| {} | {:.0f} | {:.1f} | {} | {:.1f} | {:.1f} | {:.2f} | {:.2f} | {} |\n", bits,
               p.peak_macs_per_cycle(bits), 2 * p.peak_macs_per_cycle(bits) * hz * 1e-9, published,
               2 * macs / core * hz * 1e-9, 2 * macs / layer * hz * 1e-9,
               2 * macs / on_chip_pj(cost.total), cost.tops_per_watt, published_eff);
  }
  // Where the energy goes: pJ per MAC of each component of the shaped layer.
  fmt::print("\n| component (pJ per MAC) |");
  for (int bits : precisions) fmt::print(" {}-bit |", bits);
  fmt::print("\n|---|");
  for (size_t i = 0; i < precisions.size(); ++i) fmt::print("---:|");
  fmt::print("\n");
  for (const auto& [component, pj] : costs.back().total.by_component) {
    fmt::print("| {} |", component);
    for (size_t i = 0; i < costs.size(); ++i) {
      const auto it = costs[i].total.by_component.find(component);
      fmt::print(" {:.3f} |",
                 it == costs[i].total.by_component.end() ? 0.0 : it->second / layer_macs[i]);
    }
    fmt::print("\n");
  }
  fmt::print("| leakage |");
  for (size_t i = 0; i < costs.size(); ++i)
    fmt::print(" {:.3f} |", costs[i].total.leakage_pj / layer_macs[i]);
  fmt::print(
      "\n\nArea of the inventory (cost model at 65 nm; no clock tree, control, wiring, "
      "pads or PHY): {:.2f} mm2; the chip's die: 16 mm2 (4 x 4 mm, published).\n",
      costs.back().area_um2 * 1e-6);
  return 0;
}

int net(const std::string& model, int size, int bits, const std::string& mode, double volts) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = size;
  o.weight_bits = o.first_layer_bits = o.last_layer_bits = bits;
  o.weight_scheme = bits == 1 ? kernels::Scheme::Binary : kernels::Scheme::Uniform;
  o.activation_bits = 16;  // UNPU's activations
  const workloads::Graph g = workloads::make_zoo_model(model, o, false);
  const std::unique_ptr<arch::Accelerator> accel = arch::make_accelerator("unpu");
  const auto t0 = std::chrono::steady_clock::now();
  const arch::RunResult r = accel->run(g, arch::mode_from_string(mode));
  const double host = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  int64_t macs = 0;
  for (const arch::LayerResult& l : r.layers) macs += l.macs;
  const sim::cost::CostReport cost = dse::cost_of_run(r, *accel, unpu_technology(volts));
  // bits mode cycles fps utilization macs host_seconds sim_macs_per_host_second
  // energy_per_frame_mj on_chip_dynamic_mj dram_mj leakage_mj
  fmt::print("{} {} {} {:.2f} {:.4f} {} {:.3f} {:.4g} {:.4f} {:.4f} {:.4f} {:.4f}\n", bits, mode,
             r.cycles, r.frames_per_second, r.utilization, macs, host,
             static_cast<double>(macs) / host, cost.total.total_pj() * 1e-9,
             on_chip_pj(cost.total) * 1e-9, cost.total.dram_pj * 1e-9,
             cost.total.leakage_pj * 1e-9);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "peak" && argc == 3) return peak(std::atof(argv[2]));
  if (what == "net" && argc == 7)
    return net(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argv[5], std::atof(argv[6]));
  fmt::print(stderr,
             "usage: unpu_bench peak VOLTS | unpu_bench net MODEL SIZE BITS fast|cycle VOLTS\n");
  return 2;
}

// libsystemc.so refers to sc_main; it is never called because main above comes first.
extern "C" int sc_main(int, char**) {
  return 2;
}
