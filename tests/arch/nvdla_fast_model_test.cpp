// NVDLA fast model: cycles and counts derived by hand from the params for small layers
// (8 B/cycle DRAM with 10 cycles of latency, 8x8 MAC array, 8 SDP/PDP lanes).
#include <gtest/gtest.h>

#include <cstdio>

#include "arch/nvdla/fast_model.h"
#include "arch/nvdla/inventory.h"
#include "nvdla_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::nvdla {
namespace {

using testing::preset;
using testing::single_conv;

NvdlaParams hand_params() {
  NvdlaParams p = preset("nvdla_small");  // 8 GB/s at 1 GHz = 8 B/cycle, 8-byte bursts
  p.dram.latency_cycles = 10;
  return p;
}

kernels::ConvGeometry conv(int k, int pad) {
  kernels::ConvGeometry g;
  g.kernel_h = g.kernel_w = k;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  return g;
}

uint64_t count(const FastModel& m, const std::string& path) {
  return m.recorder().total_count(path);
}

TEST(NvdlaFastModel, OneTileConvByHand) {
  // 16x8x8 input, 16 kernels 3x3 pad 1: one tile. DRAM: input at 0, output at 4096, weights
  // at 8192 (2304 B). Command seen at 1, reads at the DRAM port at 2. Weights: 2 + 10 +
  // 2304/8 = 300; input (1024 B) queues behind: 300 + 128 = 428, seen by CDMA at 429, by
  // CONV at 430. MAC: ceil(16/8) * ceil(16/8) * 64 outputs * 9 = 2304 -> 2734. SDP from
  // 2735: 1024 outputs / 8 = 128 -> 2863. WDMA sees it at 2864, the DRAM port at 2865:
  // 1024 B done at 2865 + 10 + 128 = 3003, seen by WDMA at 3004, by the controller at 3005.
  FastModel m(single_conv(16, 8, 8, 16, conv(3, 1), 8, 1), hand_params());
  const FastResult r = m.run();
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[1].cycles, 3005u);
  EXPECT_EQ(r.layers[1].mac_cycles, 2304u);
  EXPECT_EQ(r.layers[1].macs, 16 * 64 * 16 * 9);
  EXPECT_DOUBLE_EQ(r.layers[1].mac_utilization, 16.0 * 64 * 16 * 9 / (3005.0 * 64));
  EXPECT_EQ(r.cycles, 3005u);
  EXPECT_EQ(count(m, "nvdla.cmac.mac[w8a8]"), 16u * 64 * 16 * 9);
  EXPECT_EQ(count(m, "nvdla.cmac.busy_cycles"), 2304u);
  EXPECT_EQ(count(m, "nvdla.cmac.idle_cycles"), 3005u - 2304u);
  EXPECT_EQ(count(m, "nvdla.cbuf.write_bytes"), 2304u + 1024u);
  EXPECT_EQ(count(m, "nvdla.cbuf.read_bytes"), 2304u * 8 + 2304u);
  EXPECT_EQ(count(m, "nvdla.dram.read_bytes"), 2304u + 1024u);
  EXPECT_EQ(count(m, "nvdla.dram.write_bytes"), 1024u);
  EXPECT_EQ(count(m, "nvdla.sdp.ops"), 1024u);
}

// 8x16x16 input, 16 1x1 kernels, CBUF of 4 KB (1 KB per half): two stripes of 8 rows.
// Tile 0: reads at the port at 2: weights (128 B) 2 + 10 + 16 = 28; eight 128-byte row runs
// queue behind: 28 + 8*16 = 156, seen at 157 (CDMA) and 158 (CONV). MAC 1 * 2 * 128 = 256
// -> 414; SDP from 415: 2048 / 8 = 256 -> 671; its 16 row writes reach the port at 673.
workloads::Graph two_stripes() {
  return single_conv(8, 16, 16, 16, conv(1, 0), 8, 2);
}

TEST(NvdlaFastModel, DoubleBufferingOverlapsTheNextLoadByHand) {
  NvdlaParams p = hand_params();
  p.cbuf_entries = 16;
  // Tile 1's loads leave at 157 (its half is free), port 158: 168 + 128 = 296, seen 297 and
  // 298; MAC max(298, 414) + 256 = 670; SDP max(671, 671) + 256 = 927, writes at 929.
  // Tile 0's writes: 673 + 10 = 683, + 256 = 939; tile 1's queue: 939 + 256 = 1195, seen
  // 1196, controller 1197.
  FastModel m(two_stripes(), p);
  const FastResult r = m.run();
  EXPECT_EQ(m.program().layers[1].tiles.size(), 2u);
  EXPECT_EQ(r.layers[1].cycles, 1197u);
  EXPECT_EQ(r.layers[1].mac_cycles, 512u);
}

TEST(NvdlaFastModel, SingleBufferWaitsForTheComputeByHand) {
  NvdlaParams p = hand_params();
  p.cbuf_entries = 16;
  p.cbuf_weight_banks = 24;  // 8 data banks x 8 B x 16: the same 1 KB per tile, no halves
  p.double_buffer = false;
  // Tile 1's loads leave when CDMA sees tile 0's compute done (415), port 416: 426 + 128 =
  // 554, seen 555 and 556; MAC 556 + 256 = 812; SDP 813 + 256 = 1069, writes at 1071.
  // Tile 0's writes 683 + 256 = 939; tile 1's 1081 + 256 = 1337; controller 1339.
  FastModel m(two_stripes(), p);
  const FastResult r = m.run();
  EXPECT_EQ(m.program().layers[1].tiles.size(), 2u);
  EXPECT_EQ(r.layers[1].cycles, 1339u);
}

TEST(NvdlaFastModel, MaxPoolOnPdpByHand) {
  workloads::Graph g = single_conv(8, 8, 8, 8, conv(1, 0), 8, 3);
  workloads::Layer pool;
  pool.name = "pool";
  pool.kind = workloads::OpKind::MaxPool;
  pool.inputs = {1};
  pool.geometry.kernel_h = pool.geometry.kernel_w = 2;
  pool.geometry.stride_h = pool.geometry.stride_w = 2;
  pool.output_q = g.layers[1].output_q;
  g.layers.push_back(pool);
  // Command seen at 1, read at the port at 2: 512 B done 2 + 10 + 64 = 76, seen 77; 128
  // outputs x 4 taps / 8 = 64 -> 141; write at the port at 142: 128 B done 142 + 10 + 16 =
  // 168, seen 169, controller 170.
  FastModel m(g, hand_params());
  const FastResult r = m.run();
  EXPECT_EQ(r.layers[2].unit, Unit::Pdp);
  EXPECT_EQ(r.layers[2].cycles, 170u);
  EXPECT_EQ(r.cycles, r.layers[1].cycles + 170u);
  EXPECT_EQ(m.recorder().layers()[2].values[m.recorder().index("nvdla.pdp.ops")].count, 512u);
}

TEST(NvdlaFastModel, ZooRunsAndCountsEveryMac) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 32;
  const workloads::Graph g = workloads::make_zoo_model("resnet20", o, false);
  for (const char* arch : {"nvdla_small", "nvdla_large"}) {
    FastModel m(g, preset(arch));
    const FastResult r = m.run();
    int64_t macs = 0;
    for (size_t i = 0; i < g.layers.size(); ++i)
      if (g.layers[i].has_weights()) macs += g.layer_macs(i);
    EXPECT_EQ(count(m, "nvdla.cmac.macs"), static_cast<uint64_t>(macs)) << arch;
    EXPECT_GT(r.cycles, static_cast<uint64_t>(macs) / preset(arch).macs()) << arch;
    EXPECT_GT(r.mac_utilization, 0.0);
    EXPECT_LE(r.mac_utilization, 1.0);
  }
}

TEST(NvdlaFastModel, InventoryFollowsTheParams) {
  const NvdlaParams p = preset("nvdla_large");
  int64_t cbuf = 0, macs = 0;
  for (const sim::cost::InventoryItem& item : inventory(p)) {
    if (item.component == "cbuf") cbuf = item.count * item.size;
    if (item.component == "cmac") macs = item.count;
  }
  EXPECT_EQ(cbuf, 512 * 1024);
  EXPECT_EQ(macs, 2048);
}

// Not a check: prints the ResNet-50 estimate to set beside the primer's 269 frames/s
// (2048 MACs, 512 KB CBUF, 20 GB/s, 1 GHz). Run with --gtest_also_run_disabled_tests.
TEST(NvdlaFastModel, DISABLED_Resnet50OnLarge) {
  const workloads::Graph g = workloads::make_zoo_model("resnet50", {}, false);
  FastModel m(g, preset("nvdla_large"));
  const FastResult r = m.run();
  std::printf(
      "resnet50 on nvdla_large: %llu cycles, %.1f frames/s, MAC utilization %.3f, "
      "DRAM read %llu B, write %llu B\n",
      static_cast<unsigned long long>(r.cycles), r.frames_per_second, r.mac_utilization,
      static_cast<unsigned long long>(count(m, "nvdla.dram.read_bytes")),
      static_cast<unsigned long long>(count(m, "nvdla.dram.write_bytes")));
  uint64_t by_unit[4] = {}, mac_cycles = 0;
  for (const LayerTiming& l : r.layers) {
    by_unit[static_cast<int>(l.unit)] += l.cycles;
    mac_cycles += l.mac_cycles;
  }
  std::printf(
      "cycles: conv %llu (MAC busy %llu), sdp layers %llu, pdp layers %llu; conv1 %llu\n",
      static_cast<unsigned long long>(by_unit[1]), static_cast<unsigned long long>(mac_cycles),
      static_cast<unsigned long long>(by_unit[2]), static_cast<unsigned long long>(by_unit[3]),
      static_cast<unsigned long long>(r.layers[1].cycles));
}

}  // namespace
}  // namespace qasim::arch::nvdla

namespace qasim::arch::nvdla {
namespace {

TEST(NvdlaFastModel, ImageInputPackingFoldsKernelWidthIntoTheAtom) {
  // 3 input channels, 16 kernels 7x7 pad 3 on 16x16: 256 outputs, atomic 8x8.
  // Unpacked: ceil(3/8) * ceil(16/8) * 256 * 7 * 7 = 25088 MAC cycles.
  // Packed: an atom holds 3 x 7 = 21 values -> ceil(21/8) * 2 * 256 * 7 = 10752.
  NvdlaParams p = testing::preset("nvdla_small");
  const workloads::Graph g = testing::single_conv(3, 16, 16, 16, conv(7, 3), 8, 5);
  FastModel packed(g, p);
  packed.run();
  EXPECT_EQ(count(packed, "nvdla.cmac.busy_cycles"), 10752u);
  p.image_input_packing = false;
  FastModel plain(g, p);
  plain.run();
  EXPECT_EQ(count(plain, "nvdla.cmac.busy_cycles"), 25088u);
  // Same useful MACs either way: 16 * 256 * 3 * 49.
  EXPECT_EQ(count(packed, "nvdla.cmac.macs"), 16u * 256 * 3 * 49);
  EXPECT_EQ(count(plain, "nvdla.cmac.macs"), count(packed, "nvdla.cmac.macs"));
}

}  // namespace
}  // namespace qasim::arch::nvdla
