// The UNPU timing rules (fast_model.h, work.cpp) against cycle counts derived by hand from
// the params, and the peak throughput against the published figures.
#include <gtest/gtest.h>

#include "arch/unpu/fast_model.h"
#include "arch/unpu/work.h"
#include "unpu_support.h"

namespace qasim::arch::unpu {
namespace {

using testing::conv_geometry;
using testing::preset;
using testing::single_layer;

// Lee et al., JSSC 2019: 345.6 GOPS at 16-bit weights, 7372 GOPS at 1-bit, 200 MHz
// (2 ops per MAC); 1-bit / 16-bit = 21.33 = 16 x 4/3: 16 planes, and a LUT of 8 entries
// covers 4 +-1-weighted activations instead of 3.
TEST(UnpuPeak, PresetMatchesThePublishedPeaks) {
  const UnpuParams p = preset();
  EXPECT_EQ(p.lbpes(), 24);
  EXPECT_DOUBLE_EQ(p.peak_macs_per_cycle(16) * 2 * p.clock_mhz * 1e6, 345.6e9);
  EXPECT_NEAR(p.peak_macs_per_cycle(1) * 2 * p.clock_mhz * 1e6, 7372e9, 1e9);
  EXPECT_NEAR(p.peak_macs_per_cycle(1) / p.peak_macs_per_cycle(16), 21.33, 0.01);
  // Between, throughput scales as 1/bits: 24 LBPEs x 16 LUTs x 3 activations x 12 lanes.
  for (int b = 2; b <= 16; ++b)
    EXPECT_DOUBLE_EQ(p.peak_macs_per_cycle(b), 24.0 * 16 * 3 * 12 / b) << b;
}

// 1x1 conv, 8 channels, 4x4, 9 output channels, 4-bit weights on the preset (16 B/cycle,
// 16-byte bursts, 20 cycles of DRAM latency). By hand:
//   one tile; reduction 8 -> 3 LUTs of 3 activations, 1 chunk (48), core_split 1, 24 LBPE
//   slots, 16 pixels -> 1 round, ceil(9/12) = 1 lane group, LUT build B = 8/4 = 2,
//   L = 1*4 reads, core = B + L = 6; aggregation ceil(144/16) = 9;
//   SIMD ceil(144/16) = 9.
//   DRAM: input at 0 (256 B), output at 4096 (288 B), weights at 8192 (9*8*4/8 = 36 B).
//   Loader sees the command at 1, DRAM port at 2: weights' 3 bursts move 22..25, input's
//   16 bursts 25..41: done 41, seen 42; cores start 43, done 49; aggregation 50..59;
//   SIMD 60..69; writer at 70, DRAM port at 71: 18 bursts 91..109; seen 110, controller 111.
TEST(UnpuFastModel, HandDerivedTinyConv) {
  const workloads::Graph g = single_layer(8, 4, 4, 9, conv_geometry(1, 1, 0), 4, 1);
  FastModel model(g, preset());
  const TimingResult r = model.run();
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[1].cycles, 111u);
  EXPECT_EQ(r.layers[1].core_cycles, 6u);
  EXPECT_EQ(r.cycles, 111u);
  const sim::StatsRecorder& rec = model.recorder();
  EXPECT_EQ(rec.total_count("unpu.lbpe.macs"), 9u * 16 * 8);
  EXPECT_EQ(rec.total_count("unpu.lbpe.lut_builds"), 16u * 3);      // 16 pixels x 3 LUTs
  EXPECT_EQ(rec.total_count("unpu.lbpe.lut_writes"), 16u * 3 * 8);  // 8 entries each
  EXPECT_EQ(rec.total_count("unpu.lbpe.lut_build_adds"), 16u * 3 * 4);
  EXPECT_EQ(rec.total_count("unpu.lbpe.lut_reads"), 144u * 3 * 4);  // outputs x LUTs x bits
  EXPECT_EQ(rec.total_count("unpu.lbpe.shift_adds"), 144u * 4);
  EXPECT_EQ(rec.total_count("unpu.lbpe.tree_adds"), 144u * 4 * 2);
  EXPECT_EQ(rec.total_count("unpu.aggregation.busy_cycles"), 9u);
  EXPECT_EQ(rec.total_count("unpu.simd.busy_cycles"), 9u);
  EXPECT_EQ(rec.total_count("unpu.dram.read_bytes"), 36u + 256);
  EXPECT_EQ(rec.total_count("unpu.dram.write_bytes"), 288u);
}

// The DNN cores' cycles depend on the weight bits bit by bit. 3x3 conv, 32 channels, 8x8,
// 64 outputs: reduction 288 -> 6 chunks of 48 (5 of 64 at 1 bit) over core_split 4, so 2
// per core; 6 LBPE slots, 64 pixels -> 11 rounds; ceil(64/12) = 6 lane groups, L = 6 * bits
// reads per set (> B = 2): core = B + 11 * 2 * L.
TEST(UnpuFastModel, CoreCyclesScaleWithEveryWeightBit) {
  const UnpuParams p = preset();
  for (int bits = 1; bits <= 16; ++bits) {
    const workloads::Graph g = single_layer(32, 8, 8, 64, conv_geometry(3, 1, 1), bits, 2);
    const Program prog = compile(g, p);
    const LayerCommand& cmd = prog.layers[1];
    ASSERT_EQ(cmd.tiles.size(), 1u);
    EXPECT_EQ(cmd.chunks, bits == 1 ? 5 : 6);
    EXPECT_EQ(cmd.core_split, 4);
    const uint64_t want = 11 * 2 * std::max<uint64_t>(2, 6 * bits) + 2;
    EXPECT_EQ(tile_work(cmd, cmd.tiles[0], p).core_cycles, want) << bits;
    FastModel model(g, p);
    model.run();
    EXPECT_EQ(model.recorder().total_count("unpu.lbpe.busy_cycles"), want) << bits;
  }
}

// A layer shaped to the array reaches the peak but for the first LUT build: 1x1 conv,
// 768 channels (16 chunks of 48, or 12 of 64 at 1 bit: 4 or 3 per core), 12x12 pixels
// (24 rounds of 6 LBPEs), 72 outputs (6 lane groups); a feature memory that holds the input.
TEST(UnpuFastModel, ShapedLayerRunsAtPeak) {
  UnpuParams p = preset();
  p.feature_memory_kib = 512;
  for (int bits : {1, 2, 4, 8, 16}) {
    const workloads::Graph g = single_layer(768, 12, 12, 72, conv_geometry(1, 1, 0), bits, 3);
    const Program prog = compile(g, p);
    ASSERT_EQ(prog.layers[1].tiles.size(), 1u);
    const uint64_t core = tile_work(prog.layers[1], prog.layers[1].tiles[0], p).core_cycles;
    const double ideal = 144.0 * 72 * 768 / p.peak_macs_per_cycle(bits);
    EXPECT_EQ(static_cast<double>(core), ideal + 2) << bits;
  }
}

// The LUT build bounds 1-bit layers with few output channels. 1x1 conv, 64 channels (one
// chunk of 64 at 1 bit), 6x6 pixels -> 2 rounds of 24 LBPEs, 12 outputs: one lane group,
// L = 1 cycle of reads per LUT set. With a LUT filled one entry per cycle (B = 8): double-
// buffered B + (2 - 1) * max(8, 1) + 1 = 17 (the second set's build hides behind nothing
// but waits for the first's; the last set ends with its read); without, 2 * (8 + 1) = 18.
TEST(UnpuFastModel, LutBuildBoundsOneBitLayersWithFewChannels) {
  UnpuParams p = preset();
  p.lut_fill_entries = 1;
  const workloads::Graph g = single_layer(64, 6, 6, 12, conv_geometry(1, 1, 0), 1, 4);
  const Program prog = compile(g, p);
  EXPECT_EQ(tile_work(prog.layers[1], prog.layers[1].tiles[0], p).core_cycles, 17u);
  p.lut_double_buffer = false;
  EXPECT_EQ(tile_work(prog.layers[1], prog.layers[1].tiles[0], p).core_cycles, 18u);
}

// FC: one pixel, so the LBPEs take different output-channel groups. 4*4*4 = 64 inputs ->
// 2 chunks of 48 at 8 bits, core_split 2, 2 x 6 = 12 slots; 100 outputs -> 9 lane groups,
// k_split = min(12, 9) = 9, one group each: core = 1 * 1 * max(2, 8) + 2 = 10.
TEST(UnpuFastModel, FullyConnectedSpreadsChannelsOverLbpes) {
  const UnpuParams p = preset();
  const workloads::Graph g = single_layer(4, 4, 4, 100, {}, 8, 5, true);
  const Program prog = compile(g, p);
  EXPECT_EQ(prog.layers[1].core_split, 2);
  EXPECT_EQ(tile_work(prog.layers[1], prog.layers[1].tiles[0], p).core_cycles, 10u);
}

}  // namespace
}  // namespace qasim::arch::unpu
