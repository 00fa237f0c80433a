// Figures of the UNPU-style model for scripts/bench_unpu.sh:
//   unpu_bench peak                     peak and achieved GOPS at 1..16-bit weights
//   unpu_bench net MODEL SIZE BITS MODE one network at one weight precision (all weighted
//                                       layers, first and last included; binary at 1 bit):
//                                       cycles, frames/s, and the simulator's speed
// Cycle mode elaborates SystemC, so call it once per process.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "arch/registry.h"
#include "arch/unpu/compiler.h"
#include "arch/unpu/fast_model.h"
#include "arch/unpu/params.h"
#include "workloads/zoo/zoo.h"

using namespace qasim;

namespace {

kernels::QuantParams weight_quant(int bits) {
  return bits == 1 ? kernels::QuantParams::binary({1.f})
                   : kernels::QuantParams::uniform(bits, true, 1.f);
}

// 1x1 conv of 256 channels (4 chunks, one per DNN core), 12x12 pixels (24 rounds of the 6
// LBPEs of a core), 360 outputs (40 lane groups of 9, 30 of 12): shaped to the array.
workloads::Graph shaped_layer(int bits) {
  workloads::Graph g;
  g.name = "shaped_1x1";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {256, 12, 12};
  in.output_q = kernels::QuantParams::uniform(16, false, 1.f);
  g.layers.push_back(in);
  workloads::Layer conv;
  conv.name = "conv";
  conv.kind = workloads::OpKind::Conv;
  conv.inputs = {0};
  conv.out_channels = 360;
  conv.weight_q = weight_quant(bits);
  conv.output_q = kernels::QuantParams::uniform(16, false, 1.f);
  g.layers.push_back(conv);
  g.infer_shapes();
  return g;
}

int peak() {
  arch::unpu::UnpuParams p = arch::unpu::UnpuParams::schema().preset_value("unpu");
  p.feature_memory_kib = 256;  // the whole 256x12x12 input in one tile
  const double hz = p.clock_mhz * 1e6;
  fmt::print(
      "| weight bits | peak MACs/cycle | peak GOPS | published GOPS | shaped layer: "
      "DNN-core GOPS | shaped layer: GOPS with DMA and DRAM |\n");
  fmt::print("|---:|---:|---:|---:|---:|---:|\n");
  for (int bits : {1, 2, 4, 8, 16}) {
    arch::unpu::FastModel model(shaped_layer(bits), p);
    const arch::unpu::TimingResult r = model.run();
    const double macs = static_cast<double>(r.layers[1].macs);
    const double core = static_cast<double>(r.layers[1].core_cycles);
    const double layer = static_cast<double>(r.layers[1].cycles);
    const char* published = bits == 1 ? "7372" : bits == 16 ? "345.6" : "";
    fmt::print("| {} | {:.0f} | {:.1f} | {} | {:.1f} | {:.1f} |\n", bits,
               p.peak_macs_per_cycle(bits), 2 * p.peak_macs_per_cycle(bits) * hz * 1e-9, published,
               2 * macs / core * hz * 1e-9, 2 * macs / layer * hz * 1e-9);
  }
  return 0;
}

int net(const std::string& model, int size, int bits, const std::string& mode) {
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
  // bits mode cycles fps utilization macs host_seconds sim_macs_per_host_second
  fmt::print("{} {} {} {:.2f} {:.4f} {} {:.3f} {:.4g}\n", bits, mode, r.cycles, r.frames_per_second,
             r.utilization, macs, host, static_cast<double>(macs) / host);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "peak") return peak();
  if (what == "net" && argc == 6)
    return net(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argv[5]);
  fmt::print(stderr, "usage: unpu_bench peak | unpu_bench net MODEL SIZE BITS fast|cycle\n");
  return 2;
}

// libsystemc.so refers to sc_main; it is never called because main above comes first.
extern "C" int sc_main(int, char**) {
  return 2;
}
