// The NVDLA counters become cost-model actions without losing or inventing any: totals over
// the layers equal the model's own counters, and widths come from the params.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "arch/nvdla/accelerator.h"
#include "nvdla_support.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::nvdla {
namespace {

TEST(NvdlaActions, TotalsEqualTheCountersAndWidthsFollowTheParams) {
  workloads::ZooOptions zo;
  zo.input_height = zo.input_width = 32;
  workloads::Graph g = workloads::make_zoo_model("resnet8", zo, false);
  g.infer_shapes();
  const NvdlaParams p = testing::preset("nvdla_small");
  const NvdlaAccelerator accel("nvdla_small", p);
  const RunResult r = accel.run(g, Mode::Fast);

  std::map<std::string, uint64_t> by_kind;
  for (const sim::cost::LayerActions& l : r.actions)
    for (const sim::cost::Action& a : l.actions) {
      by_kind[a.component + "." + a.kind] += a.count;
      if (a.kind == "mac") {
        ASSERT_EQ(a.bits.size(), 3u);
        EXPECT_EQ(a.bits[2], p.accumulator_bits);
      }
    }
  const nlohmann::json stats = nlohmann::json::parse(r.stats->json())["total"];
  int64_t macs = 0;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].has_weights()) macs += g.layer_macs(i);
  EXPECT_EQ(by_kind["cmac.mac"], static_cast<uint64_t>(macs));
  EXPECT_EQ(by_kind["dram.dram_read"], stats["nvdla.dram.read_bytes"].get<uint64_t>());
  EXPECT_EQ(by_kind["dram.dram_write"], stats["nvdla.dram.write_bytes"].get<uint64_t>());
  EXPECT_EQ(by_kind["cacc.add"], stats["nvdla.cmac.busy_cycles"].get<uint64_t>() * p.atomic_k);
  EXPECT_EQ(by_kind["cbuf.sram_read"] * p.cbuf_bank_bytes,
            stats["nvdla.cbuf.read_bytes"].get<uint64_t>());  // whole entries here
  EXPECT_EQ(by_kind["sdp.mult"], stats["nvdla.sdp.ops"].get<uint64_t>());
}

}  // namespace
}  // namespace qasim::arch::nvdla
