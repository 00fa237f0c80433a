// The DNN cores edge by edge (core_steps.h): per-edge actions of two tiles derived by hand,
// and, on many random shapes and params, the stepped totals equal the closed form that the
// fast model uses (tile_work) counter by counter.
#include <gtest/gtest.h>

#include <random>

#include "arch/unpu/core_steps.h"
#include "unpu_support.h"

namespace qasim::arch::unpu {
namespace {

using testing::conv_geometry;
using testing::preset;
using testing::single_layer;

// The counters one edge may touch, as a row: lut_writes, lut_builds, lut_build_adds,
// lut_reads, tree_adds, shift_adds, feature_mem reads, weight_mem reads, busy cycles.
using Row = std::array<uint64_t, 9>;
Row row(const UnpuStats& s) {
  return {s.lbpe.lut_writes.value(),        s.lbpe.lut_builds.value(),
          s.lbpe.lut_build_adds.value(),    s.lbpe.lut_reads.value(),
          s.lbpe.tree_adds.value(),         s.lbpe.shift_adds.value(),
          s.feature_mem.read_bytes.value(), s.weight_mem.read_bytes.value(),
          s.lbpe.busy_cycles.value()};
}

// Steps the tile, returning the counters added on each edge.
std::vector<Row> edges(const LayerCommand& cmd, const Tile& t, const UnpuParams& p) {
  CoreSteps steps(cmd, t, p);
  UnpuStats stats;
  std::vector<Row> out;
  Row before = row(stats);
  while (!steps.done()) {
    steps.step(stats);
    const Row now = row(stats);
    Row d{};
    for (size_t i = 0; i < d.size(); ++i) d[i] = now[i] - before[i];
    out.push_back(d);
    before = now;
  }
  return out;
}

// 1x1 conv, 8 channels, 4x4, 9 outputs, 4-bit weights on the preset: one chunk of 3 LUTs
// (8 activations), core_split 1, 16 pixels on 16 of the 24 LBPEs (cores 0, 1: 6 each,
// core 2: 4), one lane group of 9 channels, B = 8 entries / 4 per cycle = 2, L = 4 planes.
// Edges 0-1 build: each LBPE writes 4 entries into each of 3 LUTs (16 x 12 = 192); edge 0
// reads 3 LUTs x 3 activations x 2 bytes per LBPE (16 x 18 = 288 B); edge 1 completes 48
// LUTs, 4 adds each (8 entries - zero - 3 single activations). Edges 2-5 read one plane:
// 16 LBPEs x 9 lanes x 3 LUTs = 432 reads, 16 x 9 x 2 = 288 tree adds, 144 shift-adds;
// edge 2 also streams the weights, 9 x 8 x 4 bits = 36 B, to each of the 4 core groups.
TEST(UnpuCoreSteps, HandDerivedEdgesOfATinyConv) {
  const UnpuParams p = preset();
  const workloads::Graph g = single_layer(8, 4, 4, 9, conv_geometry(1, 1, 0), 4, 1);
  const Program prog = compile(g, p);
  const std::vector<Row> got = edges(prog.layers[1], prog.layers[1].tiles[0], p);
  const std::vector<Row> want{
      {192, 0, 0, 0, 0, 0, 288, 0, 1},     {192, 48, 192, 0, 0, 0, 0, 0, 1},
      {0, 0, 0, 432, 288, 144, 0, 144, 1}, {0, 0, 0, 432, 288, 144, 0, 0, 1},
      {0, 0, 0, 432, 288, 144, 0, 0, 1},   {0, 0, 0, 432, 288, 144, 0, 0, 1},
  };
  EXPECT_EQ(got, want);
}

// Double-buffered LUTs when the build is longer than the reads: 1x1 conv, 64 channels,
// 6x6, 12 outputs, +-1 weights (half LUTs of 4 activations: 16 LUTs, one chunk), one entry
// per build cycle (B = 8), L = 1. 36 pixels: set 0 on all 24 LBPEs, set 1 on 12.
// Edges 0-7 build set 0 (24 x 16 = 384 writes each; edge 0 reads 24 x 16 x 4 x 2 = 3072 B;
// edge 7 completes 384 LUTs, 7 adds each); edge 8 reads set 0 (24 x 12 x 16 = 4608, tree
// 24 x 12 x 15, 288 shift-adds, weights 12 x 64 bits = 96 B to 4 groups) and starts set 1
// (12 x 16 = 192 writes, 1536 B); edges 9-15 build set 1 (edge 15 completes 192 LUTs);
// edge 16 reads set 1 (2304 reads; the second round streams the weights again) and ends
// the tile: 17 edges.
TEST(UnpuCoreSteps, HandDerivedEdgesWhenTheBuildIsLonger) {
  UnpuParams p = preset();
  p.lut_fill_entries = 1;
  const workloads::Graph g = single_layer(64, 6, 6, 12, conv_geometry(1, 1, 0), 1, 4);
  const Program prog = compile(g, p);
  const std::vector<Row> got = edges(prog.layers[1], prog.layers[1].tiles[0], p);
  std::vector<Row> want(17, Row{});
  for (size_t e = 0; e < 8; ++e) want[e] = {384, 0, 0, 0, 0, 0, e == 0 ? 3072u : 0u, 0, 1};
  want[7][1] = 384;
  want[7][2] = 384 * 7;
  want[8] = {192, 0, 0, 4608, 24 * 12 * 15, 288, 1536, 4 * 96, 1};
  for (size_t e = 9; e < 16; ++e) want[e] = {192, 0, 0, 0, 0, 0, 0, 0, 1};
  want[15][1] = 192;
  want[15][2] = 192 * 7;
  want[16] = {0, 0, 0, 2304, 12 * 12 * 15, 144, 0, 4 * 96, 1};
  EXPECT_EQ(got, want);
}

// On random layers and params (input-channel passes included), stepping every tile to the
// end gives the closed form's cycles and every count.
TEST(UnpuCoreSteps, SteppedTilesEqualTheClosedForm) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    UnpuParams p = preset();
    p.cores = std::array{1, 2, 3, 4}[rng() % 4];
    p.lbpes_per_core = 1 + static_cast<int>(rng() % 6);
    p.luts_per_lbpe = 1 + static_cast<int>(rng() % 16);
    p.lanes = 1 + static_cast<int>(rng() % 12);
    p.lut_fill_entries = 1 + static_cast<int>(rng() % 8);
    p.lut_double_buffer = rng() % 2;
    if (rng() % 3 == 0) p.feature_memory_kib = 1;  // input-channel passes on the larger layers
    const int bits = 1 + static_cast<int>(rng() % 16);
    const int c = 1 + static_cast<int>(rng() % 40), hw = 1 + static_cast<int>(rng() % 9);
    const int k = 1 + static_cast<int>(rng() % 40), kernel = rng() % 2 ? 3 : 1;
    const bool fc = rng() % 4 == 0;
    const workloads::Graph g = single_layer(c, hw, hw, k, conv_geometry(kernel, 1, kernel / 2),
                                            bits, static_cast<uint32_t>(trial), fc);
    const Program prog = compile(g, p);
    for (const Tile& t : prog.layers[1].tiles) {
      SCOPED_TRACE(::testing::Message() << "trial " << trial);
      const TileWork w = tile_work(prog.layers[1], t, p);
      CoreSteps steps(prog.layers[1], t, p);
      UnpuStats s;
      while (!steps.done()) steps.step(s);
      EXPECT_EQ(steps.cycle(), w.core_cycles);
      const Row want{w.lut_writes,        w.lut_builds,       w.lut_build_adds,
                     w.lut_reads,         w.tree_adds,        w.shift_adds,
                     w.feature_mem_reads, w.weight_mem_reads, w.core_cycles};
      EXPECT_EQ(row(s), want);
    }
  }
}

}  // namespace
}  // namespace qasim::arch::unpu
