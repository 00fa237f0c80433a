// Fast equals cycle: the clocked UNPU model (one SystemC process per unit, in a forked child
// per run) gives the fast model's per-layer cycles and every per-layer counter.
#include <gtest/gtest.h>

#include "../sim/sc_child.h"
#include "arch/unpu/cycle_model.h"
#include "arch/unpu/fast_model.h"
#include "unpu_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::unpu {
namespace {

using ::qasim::arch::testing::append_layer_counters;
using ::qasim::arch::testing::append_total_counters;
using ::qasim::arch::testing::expect_same_entries;
using testing::conv_geometry;
using testing::preset;
using testing::single_layer;

std::vector<uint64_t> flatten(const TimingResult& r, const sim::StatsRecorder& rec) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerTiming& l = r.layers[i];
    out.insert(out.end(), {l.start, l.cycles, l.core_cycles, static_cast<uint64_t>(l.macs)});
    for (const TileSpan& t : l.tile_spans)
      out.insert(out.end(), {t.load_start, t.load_done, t.compute_start, t.compute_done});
    append_layer_counters(rec, i, out);
  }
  append_total_counters(rec, out);
  return out;
}

void expect_cycle_equals_fast(const workloads::Graph& g, const UnpuParams& p) {
  FastModel fast(g, p);
  const std::vector<uint64_t> want = flatten(fast.run(), fast.recorder());
  const std::vector<uint64_t> got = sim::testing::run_in_child([&] {
    CycleModel cycle(g, p);
    const TimingResult r = cycle.run();
    return flatten(r, cycle.recorder());
  });
  expect_same_entries(got, want);
}

TEST(UnpuCycleModel, HandDerivedTinyConv) {
  const workloads::Graph g = single_layer(8, 4, 4, 9, conv_geometry(1, 1, 0), 4, 1);
  const std::vector<uint64_t> got = sim::testing::run_in_child([&] {
    CycleModel cycle(g, preset());
    return std::vector<uint64_t>{cycle.run().cycles};
  });
  EXPECT_EQ(got, std::vector<uint64_t>{111});  // derived in unpu_fast_model_test.cpp
}

TEST(UnpuCycleModel, TilesWithAndWithoutDoubleBuffering) {
  UnpuParams p = preset();
  p.weight_memory_kib = 1;
  p.feature_memory_kib = 8;
  p.dram.latency_cycles = 7;
  const workloads::Graph g = single_layer(40, 12, 12, 30, conv_geometry(3, 1, 1), 7, 3);
  expect_cycle_equals_fast(g, p);
  p.double_buffer = false;
  p.lut_double_buffer = false;
  expect_cycle_equals_fast(g, p);
  p.feature_memory_kib = 2;  // column stripes
  expect_cycle_equals_fast(g, p);
}

// Input-channel passes (unpu_channel_tiling_test.cpp): the partial sums stay in the
// aggregation core until the last pass, in both models.
TEST(UnpuCycleModel, InputChannelPasses) {
  UnpuParams p = testing::preset_with("feature_memory_kib: 1\n");
  expect_cycle_equals_fast(single_layer(40, 6, 6, 20, conv_geometry(3, 1, 1), 4, 1), p);
  p.double_buffer = false;
  expect_cycle_equals_fast(single_layer(40, 6, 6, 20, conv_geometry(3, 1, 1), 1, 2), p);
  p = testing::preset_with("weight_memory_kib: 1\n");
  expect_cycle_equals_fast(single_layer(64, 8, 8, 30, {}, 16, 5, true), p);
}

TEST(UnpuCycleModel, ZooNetworksAtSeveralPrecisions) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 16;
  for (int bits : {1, 4, 16}) {
    SCOPED_TRACE(bits);
    o.weight_bits = bits;
    o.weight_scheme = bits == 1 ? kernels::Scheme::Binary : kernels::Scheme::Uniform;
    expect_cycle_equals_fast(workloads::make_zoo_model("resnet8", o, false), preset());
  }
  o.weight_bits = 8;
  o.weight_scheme = kernels::Scheme::Uniform;
  o.input_height = o.input_width = 32;
  o.width_multiplier = 0.5;
  expect_cycle_equals_fast(workloads::make_zoo_model("squeezenet1_1", o, false), preset());
  expect_cycle_equals_fast(workloads::make_zoo_model("mobilenet_v2", o, false), preset());
}

}  // namespace
}  // namespace qasim::arch::unpu
