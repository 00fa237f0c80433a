// Fast equals cycle: the clocked NVDLA model (one SystemC process per unit, in a forked
// child per run) gives the fast model's per-layer cycles and every per-layer counter.
#include <gtest/gtest.h>

#include "../sim/sc_child.h"
#include "arch/nvdla/cycle_model.h"
#include "arch/nvdla/fast_model.h"
#include "nvdla_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::nvdla {
namespace {

using ::qasim::arch::testing::append_layer_counters;
using ::qasim::arch::testing::append_total_counters;
using ::qasim::arch::testing::expect_same_entries;
using testing::preset;
using testing::single_conv;

// Per layer: start, cycles, MAC cycles, MACs, then every counter's per-layer value; then
// the totals of every counter.
std::vector<uint64_t> flatten(const FastResult& r, const sim::StatsRecorder& rec) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerTiming& l = r.layers[i];
    out.insert(out.end(), {l.start, l.cycles, l.mac_cycles, static_cast<uint64_t>(l.macs)});
    append_layer_counters(rec, i, out);
  }
  append_total_counters(rec, out);
  return out;
}

void expect_cycle_equals_fast(const workloads::Graph& g, const NvdlaParams& p) {
  FastModel fast(g, p);
  const std::vector<uint64_t> want = flatten(fast.run(), fast.recorder());
  const std::vector<uint64_t> got = sim::testing::run_in_child([&] {
    CycleModel cycle(g, p);
    const FastResult r = cycle.run();
    return flatten(r, cycle.recorder());
  });
  expect_same_entries(got, want);
}

kernels::ConvGeometry conv(int k, int pad) {
  kernels::ConvGeometry g;
  g.kernel_h = g.kernel_w = k;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  return g;
}

TEST(NvdlaCycleModel, StripesWithAndWithoutDoubleBuffering) {
  NvdlaParams p = preset("nvdla_small");
  p.dram.latency_cycles = 10;
  p.cbuf_entries = 16;
  const workloads::Graph g = single_conv(8, 16, 16, 16, conv(1, 0), 8, 2);
  expect_cycle_equals_fast(g, p);
  p.double_buffer = false;
  p.cbuf_weight_banks = 24;
  expect_cycle_equals_fast(g, p);
}

TEST(NvdlaCycleModel, ChannelChunksKernelGroupsAndStripes) {
  NvdlaParams p = preset("nvdla_small");
  p.cbuf_entries = 16;
  expect_cycle_equals_fast(single_conv(200, 9, 9, 20, conv(3, 1), 8, 7), p);
}

TEST(NvdlaCycleModel, ZooNetworksOnBothPresets) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 16;
  const workloads::Graph resnet8 = workloads::make_zoo_model("resnet8", o, false);
  o.input_height = o.input_width = 32;
  const workloads::Graph squeezenet = workloads::make_zoo_model("squeezenet1_1", o, false);
  const workloads::Graph mobilenet = workloads::make_zoo_model("mobilenet_v2", o, false);
  for (const char* arch : {"nvdla_small", "nvdla_large"}) {
    SCOPED_TRACE(arch);
    expect_cycle_equals_fast(resnet8, preset(arch));
    expect_cycle_equals_fast(squeezenet, preset(arch));
    expect_cycle_equals_fast(mobilenet, preset(arch));
  }
}

// Whole ResNet-50 at 224x224 (about 7 M cycles): slow, so disabled; run with
// --gtest_also_run_disabled_tests.
TEST(NvdlaCycleModel, DISABLED_Resnet50OnLarge) {
  expect_cycle_equals_fast(workloads::make_zoo_model("resnet50", {}, false), preset("nvdla_large"));
}

}  // namespace
}  // namespace qasim::arch::nvdla
