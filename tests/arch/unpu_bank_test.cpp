// Memory banks: why the UNPU model has no bank-conflict stall to model (README.md, "Memory
// banks"). The loader's DMA writes tile t's weights and inputs into buffer half t % 2
// while the DNN cores read the other half; each half owns whole banks. Asserted here on
// every tile of several layers and networks, in both timing models: a half is written only
// after the cores have finished reading it (its previous tile), read only after it is
// loaded, and the two halves' banks are disjoint.
#include <gtest/gtest.h>

#include "../sim/sc_child.h"
#include "arch/unpu/cycle_model.h"
#include "arch/unpu/fast_model.h"
#include "unpu_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::unpu {
namespace {

using testing::conv_geometry;
using testing::preset;
using testing::preset_with;
using testing::single_layer;

// {tiles, violations, overlaps}: violations are tiles whose accesses could meet in a half;
// overlaps count tiles loaded while the previous tile computes (the other half in use).
std::vector<uint64_t> check_halves(const TimingResult& r, const UnpuParams& p) {
  uint64_t tiles = 0, bad = 0, overlaps = 0;
  const size_t lag = p.double_buffer ? 2 : 1;  // the previous tile of the same half
  for (const LayerTiming& l : r.layers) {
    const std::vector<TileSpan>& s = l.tile_spans;
    for (size_t t = 0; t < s.size(); ++t) {
      ++tiles;
      // Read only what is loaded: the cores start after the loader reported the tile.
      if (s[t].compute_start <= s[t].load_done) ++bad;
      // Writes into the half start after the last read of its previous tile (edge
      // compute_done - 1), so no edge has a write and a read in one half.
      if (t >= lag && s[t].load_start < s[t - lag].compute_done) ++bad;
      if (t >= 1 && s[t].load_start < s[t - 1].compute_done) ++overlaps;
    }
  }
  return {tiles, bad, overlaps};
}

// The two halves of each memory own disjoint whole banks (double buffering), or the one
// buffer owns them all.
TEST(UnpuBanks, HalvesOwnDisjointWholeBanks) {
  UnpuParams p = preset();
  for (int banks : {p.feature_memory_banks, p.weight_memory_banks, 2, 16}) {
    const UnpuParams::BankRange a = p.half_banks(banks, 0), b = p.half_banks(banks, 1);
    EXPECT_EQ(a.first, 0);
    EXPECT_EQ(a.count + b.count, banks);
    EXPECT_EQ(b.first, a.first + a.count);  // adjacent, not overlapping
  }
  EXPECT_EQ(p.half_banks(8, 1).first, 4);  // the preset's feature memory: banks 0-3 and 4-7
  // An odd bank count would put one bank in both halves: refused with double buffering.
  p.feature_memory_banks = 7;
  EXPECT_THROW(UnpuParams::schema().validate(p), workloads::InputError);
  p.double_buffer = false;
  EXPECT_NO_THROW(UnpuParams::schema().validate(p));
  EXPECT_EQ(p.half_banks(7, 0).count, 7);
}

// Returns the fast model's {tiles, violations, overlaps}.
std::vector<uint64_t> expect_no_shared_bank(const workloads::Graph& g, const UnpuParams& p) {
  FastModel fast(g, p);
  const std::vector<uint64_t> f = check_halves(fast.run(), p);
  EXPECT_GT(f[0], 0u);
  EXPECT_EQ(f[1], 0u) << "fast model: tiles whose accesses share a half";
  // Without double buffering, loads never run beside the computation.
  if (!p.double_buffer) {
    EXPECT_EQ(f[2], 0u);
  }
  const std::vector<uint64_t> c = sim::testing::run_in_child([&] {
    CycleModel cycle(g, p);
    return check_halves(cycle.run(), p);
  });
  EXPECT_EQ(c, f);
  return f;
}

TEST(UnpuBanks, WritesAndReadsNeverMeetInAHalf) {
  UnpuParams p = preset_with("weight_memory_kib: 1\nfeature_memory_kib: 8\n");
  p.dram.latency_cycles = 3;  // fast DRAM: the loader runs ahead as far as the halves allow
  const workloads::Graph g = single_layer(40, 12, 12, 30, conv_geometry(3, 1, 1), 2, 3);
  // Double-buffered, loads do run beside the computation there: the halves matter.
  EXPECT_GT(expect_no_shared_bank(g, p)[2], 0u);
  p.double_buffer = false;
  expect_no_shared_bank(g, p);
  // Input-channel passes, and a network.
  expect_no_shared_bank(single_layer(40, 6, 6, 20, conv_geometry(3, 1, 1), 4, 1),
                        preset_with("feature_memory_kib: 1\n"));
  workloads::ZooOptions o;
  o.input_height = o.input_width = 16;
  o.weight_bits = 4;
  expect_no_shared_bank(workloads::make_zoo_model("resnet8", o, false), preset());
}

}  // namespace
}  // namespace qasim::arch::unpu
