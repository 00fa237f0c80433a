// Input-channel tiling: a layer one of whose outputs needs more input than half the
// feature memory (or one of whose output channels' weights do not fit half a weight
// memory) runs in input-channel passes whose partial sums the aggregation core adds.
// Bit-exact against the golden reference; fast == cycle is in unpu_cycle_test.cpp.
#include <gtest/gtest.h>

#include "arch/unpu/fast_model.h"
#include "unpu_support.h"

namespace qasim::arch::unpu {
namespace {

using testing::conv_geometry;
using testing::expect_bit_exact;
using testing::preset_with;
using testing::single_layer;

// 3x3 conv, 40 channels, 6x6, 20 outputs, a 1 KiB feature memory (512 B per half). One
// output needs 40 x 3 x 3 x 2 B = 720 B: passes of floor(512 / 18) = 28 channels and 12.
// With 28 channels one output row needs 3 rows x 6 columns x 28 x 2 B = 1008 B, so column
// stripes: 3 x min(c + 2, 6) x 56 B <= 512 for c = 1 column. 20 outputs: one channel range.
// Tiles: 6 rows x 6 columns x 2 passes = 72, every pass loading its weights.
TEST(UnpuChannelTiling, PassesDerivedFromTheFeatureMemory) {
  const UnpuParams p = preset_with("feature_memory_kib: 1\n");
  const Program prog = compile(single_layer(40, 6, 6, 20, conv_geometry(3, 1, 1), 4, 1), p);
  const LayerCommand& cmd = prog.layers[1];
  EXPECT_EQ(cmd.c_step, 28);
  EXPECT_EQ(cmd.row_step, 1);
  EXPECT_EQ(cmd.col_step, 1);
  EXPECT_EQ(cmd.k_step, 20);
  ASSERT_EQ(cmd.tiles.size(), 72u);
  for (size_t i = 0; i < cmd.tiles.size(); ++i) {
    const Tile& t = cmd.tiles[i];
    EXPECT_EQ(t.c0, i % 2 ? 28 : 0);
    EXPECT_EQ(t.c1, i % 2 ? 40 : 28);
    EXPECT_EQ(t.last_pass, i % 2 == 1);
    EXPECT_TRUE(t.load_weights);
    // 28 channels: 252 products = 6 chunks of 48, over the largest divisor of 4 cores not
    // above 6: 4; 12 channels: 108 products = 3 chunks, over 2 core groups.
    EXPECT_EQ(t.chunks, i % 2 ? 3 : 6);
    EXPECT_EQ(t.core_split, i % 2 ? 2 : 4);
  }
}

TEST(UnpuChannelTiling, BitExactAtSeveralPrecisions) {
  const UnpuParams p = preset_with("feature_memory_kib: 1\n");
  for (int bits : {1, 2, 5, 8, 16}) {
    SCOPED_TRACE(bits);
    expect_bit_exact(single_layer(40, 6, 6, 20, conv_geometry(3, 1, 1), bits, 3), p, 2, 4);
  }
}

// A dilated window: 3x3 taps at dilation 2 read 5 x 5 inputs of each channel (50 B), so a
// 512-byte half takes passes of floor(512 / 50) = 10 of the 40 channels.
TEST(UnpuChannelTiling, DilatedWindowSizesThePasses) {
  const UnpuParams p = preset_with("feature_memory_kib: 1\n");
  const workloads::Graph g = single_layer(40, 9, 9, 20, conv_geometry(3, 1, 2, 1, 2), 6, 7);
  EXPECT_EQ(compile(g, p).layers[1].c_step, 10);
  expect_bit_exact(g, p, 1, 8);
}

// A fully connected layer whose one output channel's weights do not fit half a 1 KiB
// weight memory: 64 x 8 x 8 = 4096 inputs at 16 bits are 86 chunks of 48, 22 per core
// (split 4): 22 x 48 x 2 B = 2112 B > 512. A pass of c inputs needs ceil(ceil(c / 48) / 4)
// x 96 B <= 512, so at most 20 chunks: c_step = 960, passes 960 x 4 + 256; k = 2 channels
// would need 960 B, so one output channel per range: 30 x 5 = 150 tiles. Bit-exact, and the
// outputs are requantized and written once (SIMD ops = 30 outputs, 60 bytes written).
TEST(UnpuChannelTiling, WeightMemoryForcesPassesOnAnFcLayer) {
  const UnpuParams p = preset_with("weight_memory_kib: 1\n");
  const workloads::Graph g = single_layer(64, 8, 8, 30, {}, 16, 5, true);
  const Program prog = compile(g, p);
  EXPECT_EQ(prog.layers[1].c_step, 960);
  EXPECT_EQ(prog.layers[1].k_step, 1);
  EXPECT_EQ(prog.layers[1].tiles.size(), 150u);
  expect_bit_exact(g, p, 2, 6);
  FastModel fast(g, p);
  fast.run();
  EXPECT_EQ(fast.recorder().total_count("unpu.simd.ops"), 30u);
  EXPECT_EQ(fast.recorder().total_count("unpu.dram.write_bytes"), 60u);
  EXPECT_EQ(fast.recorder().total_count("unpu.lbpe.macs"), 30u * 4096);
}

}  // namespace
}  // namespace qasim::arch::unpu
