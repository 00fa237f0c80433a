// Hand-derived cycles of tiny layers (rules at the top of arch/eie/fast_model.h), in the fast
// and in the cycle model: an imbalanced PE, queue-full stalls, zero skipping, padding entries,
// the im2col gather of a lowered convolution, a PPU layer.
#include <gtest/gtest.h>

#include "../sim/sc_child.h"
#include "arch/eie/cycle_model.h"
#include "arch/eie/fast_model.h"
#include "eie_support.h"

namespace qasim::arch::eie {
namespace {

using testing::preset;

// Input [cols] (8-bit unsigned, zero point 3) -> FC rows x cols with the given weights
// (values from the codebook {0, 1, 2, 3}).
workloads::Graph fc_graph(int rows, int cols, const std::vector<int32_t>& w) {
  workloads::Graph g;
  g.name = "tiny";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {cols, 1, 1};
  in.output_q = kernels::QuantParams::uniform(8, false, 0.05f, 3);
  g.layers.push_back(in);
  workloads::Layer l;
  l.name = "fc";
  l.kind = workloads::OpKind::FullyConnected;
  l.inputs = {0};
  l.out_channels = rows;
  l.weight_q.scheme = kernels::Scheme::Codebook;
  l.weight_q.bits = 2;
  l.weight_q.scale = {0.01f};
  l.weight_q.codebook = {0, 1, 2, 3};
  l.weights = kernels::IntTensor({rows, cols}, w);
  l.bias.assign(size_t(rows), 0);
  l.output_q = kernels::QuantParams::uniform(8, false, 0.1f, 0);
  g.layers.push_back(l);
  g.infer_shapes();
  return g;
}

kernels::IntTensor input(const std::vector<int32_t>& v) {
  return kernels::IntTensor({1, static_cast<int64_t>(v.size()), 1, 1}, v);
}

EieParams two_pes(int depth) {
  EieParams p = preset();
  p.num_pes = 2;
  p.queue_depth = depth;
  return p;
}

// Layer 1's {cycles, stalls, busiest PE, MACs} and PE busy cycles, from the model.
template <typename Model>
std::vector<uint64_t> measure(Model& m) {
  const EieResult r = m.run();
  const LayerTiming& l = r.layers.at(1);
  std::vector<uint64_t> v = {l.cycles, l.stall_cycles, l.busiest_pe, static_cast<uint64_t>(l.macs)};
  for (size_t k = 0; k < m.stats().pe.busy.labels().size(); ++k)
    v.push_back(m.stats().pe.busy.value(k));
  return v;
}

void expect_both(const workloads::Graph& g, const EieParams& p, const kernels::IntTensor& x,
                 const std::vector<uint64_t>& want) {
  FastModel fast(g, p, x);
  EXPECT_EQ(measure(fast), want) << "fast";
  const std::vector<uint64_t> cyc = sim::testing::run_in_child([&] {
    CycleModel cycle(g, p, x);
    return measure(cycle);
  });
  EXPECT_EQ(cyc, want) << "cycle";
}

// 4 x 3: rows 0, 2 on PE 0, rows 1, 3 on PE 1. Column entries per PE: col 0 {2, 2}, col 1
// {1, 0}, col 2 {2, 0}: PE 1 spends one cycle on each empty column (pointer read).
const std::vector<int32_t> kImbalanced = {1, 2, 3,   // row 0
                                          1, 0, 0,   // row 1
                                          2, 0, 1,   // row 2
                                          3, 0, 0};  // row 3

// Depth 8: B = 0, 1, 2. PE 0 pops at 1, 3, 4 -> done at 6; PE 1 at 1, 3, 4 -> 5. Products end at
// 6, write-back of 2 rows -> done at 8, seen at 9.
TEST(EieTiming, ImbalancedPeSetsTheLayerTime) {
  expect_both(fc_graph(4, 3, kImbalanced), two_pes(8), input({9, 9, 9}), {9, 0, 5, 7, 5, 4});
}

// Depth 1: item 1 waits until both PEs popped item 0 (at 1, seen at 2): B1 = 2 (1 stall); both
// pop item 1 at 3, so B2 = 4 (1 stall). PE 0 pops item 2 at 5, done at 7; write-back -> 10.
TEST(EieTiming, FullQueueStallsTheBroadcast) {
  expect_both(fc_graph(4, 3, kImbalanced), two_pes(1), input({9, 9, 9}), {10, 2, 5, 7, 5, 4});
}

// Activation 1 equals the zero point: only columns 0 and 2 are broadcast. PE 0: 1..3, 3..5;
// PE 1: 1..3, 3..4. End 5, + 2 write-back -> 7, seen at 8.
TEST(EieTiming, ZeroActivationsAreSkipped) {
  expect_both(fc_graph(4, 3, kImbalanced), two_pes(8), input({9, 3, 9}), {8, 0, 4, 6, 4, 3});
}

// One PE, one column, non-zeros at rows 0 and 40: two padding entries bridge the gap, so the
// column takes 4 cycles (popped at 1, done at 5) for 2 MACs; 41 rows to write back -> 47.
TEST(EieTiming, PaddingEntriesCostCycles) {
  std::vector<int32_t> w(41, 0);
  w[0] = 1;
  w[40] = 2;
  EieParams p = preset();
  p.num_pes = 1;
  expect_both(fc_graph(41, 1, w), p, input({9}), {47, 0, 4, 2, 4});
}

// A 1x1 convolution of a [5, 1, 1] input into 2 channels on 2 PEs: the im2col gather of 5
// activations takes ceil(5 / 2) = 3 cycles, then B = 3..7, each PE pops at 4..8 and spends
// one cycle per column: end 9, one row to write back -> 10, seen at 11.
TEST(EieTiming, LoweredConvolutionGathersFirst) {
  workloads::Graph g = fc_graph(2, 5, std::vector<int32_t>(10, 2));
  g.layers[0].output_shape = {5, 1, 1};
  workloads::Layer& l = g.layers[1];
  l.kind = workloads::OpKind::Conv;
  l.weights = l.weights.reshaped({2, 5, 1, 1});
  g.infer_shapes();
  expect_both(g, two_pes(8), input({9, 8, 7, 6, 5}), {11, 0, 5, 10, 5, 5});
}

// Max pooling 2x2 of [4, 2, 2] on the PPU: 4 outputs x 4 taps = 16 operations at 3 lanes =
// 6 cycles, plus the command and done hops: 8.
TEST(EieTiming, PpuLayer) {
  workloads::Graph g;
  g.name = "pool";
  workloads::Layer in;
  in.name = "input";
  in.output_shape = {4, 2, 2};
  in.output_q = kernels::QuantParams::uniform(8, false, 0.05f, 3);
  g.layers.push_back(in);
  workloads::Layer pool;
  pool.name = "pool";
  pool.kind = workloads::OpKind::MaxPool;
  pool.inputs = {0};
  pool.geometry.kernel_h = pool.geometry.kernel_w = 2;
  pool.geometry.stride_h = pool.geometry.stride_w = 2;
  pool.output_q = in.output_q;
  g.layers.push_back(pool);
  g.infer_shapes();
  EieParams p = two_pes(8);
  p.ppu_lanes = 3;
  kernels::IntTensor x({1, 4, 2, 2}, std::vector<int32_t>(16, 9));
  expect_both(g, p, x, {8, 0, 0, 0, 0, 0});
}

}  // namespace
}  // namespace qasim::arch::eie
