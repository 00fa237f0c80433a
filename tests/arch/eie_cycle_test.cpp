// Fast equals cycle: the clocked EIE model (in a forked child per run) gives the fast model's
// per-layer cycles and every per-layer counter, on sparse layers with stalls and imbalance,
// lowered convolutions, a zoo network with PPU layers, and weights streamed from DRAM.
#include <gtest/gtest.h>

#include "../sim/sc_child.h"
#include "arch/eie/cycle_model.h"
#include "arch/eie/fast_model.h"
#include "arch_support.h"
#include "eie_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::eie {
namespace {

using testing::preset;
using testing::SparseLayer;

std::vector<uint64_t> flatten(const EieResult& r, const sim::StatsRecorder& rec) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerTiming& l = r.layers[i];
    out.insert(out.end(),
               {l.start, l.cycles, l.busiest_pe, l.stall_cycles, static_cast<uint64_t>(l.macs)});
    ::qasim::arch::testing::append_layer_counters(rec, i, out);
  }
  return out;
}

// Returns the fast model's flattened result after checking the cycle model's equals it.
std::vector<uint64_t> expect_cycle_equals_fast(const workloads::Graph& g, const EieParams& p,
                                               const kernels::IntTensor& x) {
  FastModel fast(g, p, x);
  const std::vector<uint64_t> want = flatten(fast.run(), fast.recorder());
  const std::vector<uint64_t> got = sim::testing::run_in_child([&] {
    CycleModel cycle(g, p, x);
    const EieResult r = cycle.run();
    return flatten(r, cycle.recorder());
  });
  EXPECT_EQ(got.size(), want.size());
  for (size_t k = 0; k < std::min(got.size(), want.size()); ++k)
    EXPECT_EQ(got[k], want[k]) << "entry " << k;
  return want;
}

TEST(EieCycleModel, SparseFcWithStallsAndRowBatches) {
  SparseLayer s;
  s.in_c = 500;
  s.out = 300;
  s.density = 0.1;
  const workloads::Graph g = testing::sparse_graph(s, 4);
  const kernels::IntTensor x = testing::sparse_input(g, 1, 0.35, 4);
  for (int depth : {1, 2, 8}) {
    EieParams p = preset();
    p.num_pes = 16;
    p.queue_depth = depth;
    p.activation_registers = 8;  // 128 rows per batch: 3 batches
    SCOPED_TRACE(depth);
    expect_cycle_equals_fast(g, p, x);
  }
}

TEST(EieCycleModel, LoweredConvolution) {
  SparseLayer s;
  s.conv = true;
  s.in_c = 6;
  s.in_h = s.in_w = 7;
  s.out = 10;
  s.geometry.kernel_h = s.geometry.kernel_w = 3;
  s.geometry.pad_top = s.geometry.pad_left = s.geometry.pad_bottom = s.geometry.pad_right = 1;
  s.density = 0.3;
  const workloads::Graph g = testing::sparse_graph(s, 8);
  EieParams p = preset();
  p.num_pes = 4;
  p.queue_depth = 2;
  expect_cycle_equals_fast(g, p, testing::sparse_input(g, 1, 0.5, 8));
}

workloads::Graph lenet_codebook() {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 32;
  o.num_classes = 10;
  o.weight_scheme = kernels::Scheme::Codebook;
  o.weight_bits = o.first_layer_bits = o.last_layer_bits = 3;
  return workloads::make_zoo_model("lenet5", o, true);
}

TEST(EieCycleModel, ZooNetworkWithPpuLayers) {
  const workloads::Graph g = lenet_codebook();
  expect_cycle_equals_fast(g, preset(), testing::sparse_input(g, 1, 0.7, 2));
}

TEST(EieCycleModel, WeightsFromDramWhenTheNetworkDoesNotFit) {
  const workloads::Graph g = lenet_codebook();
  EieParams p = preset();
  p.num_pes = 16;
  p.spmat_sram_bytes = 4 * 1024;  // every layer fits, the network does not
  FastModel fast(g, p, testing::sparse_input(g, 1, 0.7, 2));
  ASSERT_FALSE(fast.program().resident);
  expect_cycle_equals_fast(g, p, testing::sparse_input(g, 1, 0.7, 2));
  fast.run();
  EXPECT_GT(fast.recorder().total_count("eie.dram.read_bytes"), 0u);
}

}  // namespace
}  // namespace qasim::arch::eie
