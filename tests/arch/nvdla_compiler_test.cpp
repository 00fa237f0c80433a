// NVDLA compiler: tiles cover every output exactly once and every input channel of each
// output, fit the CBUF, and impossible layers fail with a clear error.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "nvdla_support.h"
#include "workloads/errors.h"
#include "workloads/zoo/zoo.h"

namespace qasim::arch::nvdla {
namespace {

using testing::preset;
using testing::single_conv;

kernels::ConvGeometry same3x3() {
  kernels::ConvGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1;
  return g;
}

// Every (group, k, oy) is covered by chunks that tile [0, C/g) exactly, in order.
void expect_cover(const LayerCommand& cmd, const NvdlaParams& p) {
  const ConvShape& s = cmd.conv;
  std::map<std::tuple<int, int, int>, int> next_c;
  for (const ConvTile& t : cmd.tiles) {
    EXPECT_LE(t.weight_bytes, p.weight_tile_bytes());
    EXPECT_LE(t.data_bytes, p.data_tile_bytes());
    EXPECT_TRUE(t.c1 - t.c0 == s.group_in() || (t.c1 - t.c0) % p.atomic_c == 0 ||
                t.c1 == s.group_in());
    for (int k = t.k0; k < t.k1; ++k)
      for (int oy = t.oy0; oy < t.oy1; ++oy) {
        int& c = next_c[{t.group, k, oy}];
        EXPECT_EQ(c, t.c0);
        EXPECT_EQ(t.first_chunk, t.c0 == 0);
        c = t.c1;
      }
  }
  EXPECT_EQ(next_c.size(), static_cast<size_t>(s.out_c) * s.out_h);
  for (const auto& [key, c] : next_c) EXPECT_EQ(c, s.group_in());
}

TEST(NvdlaCompiler, TilesCoverTheOutputAndFitTheCbuf) {
  NvdlaParams p = preset("nvdla_small");
  p.cbuf_entries = 16;  // 4 KB: forces stripes and channel chunks
  const workloads::Graph g = single_conv(200, 9, 9, 20, same3x3(), 8, 1);
  const Program prog = compile(g, p);
  const LayerCommand& cmd = prog.layers[1];
  EXPECT_EQ(cmd.unit, Unit::Conv);
  // 1 KB per weight half: k_step * c_step * 9 <= 1024 -> c_step 200 does not fit even one
  // atom of 8 kernels (14400 B); 8 kernels x 8 channels x 9 = 576 B do.
  EXPECT_EQ(cmd.k_step % p.atomic_k, 0);
  EXPECT_LT(cmd.c_step, 200);
  EXPECT_GT(cmd.tiles.size(), 1u);
  expect_cover(cmd, p);
}

TEST(NvdlaCompiler, WholeLayerIsOneTileWhenItFits) {
  const NvdlaParams p = preset("nvdla_large");
  const Program prog = compile(single_conv(16, 8, 8, 16, same3x3(), 8, 2), p);
  const LayerCommand& cmd = prog.layers[1];
  ASSERT_EQ(cmd.tiles.size(), 1u);
  EXPECT_EQ(cmd.tiles[0].weight_bytes, 16 * 16 * 9);
  EXPECT_EQ(cmd.tiles[0].data_bytes, 16 * 8 * 8);
  EXPECT_TRUE(cmd.tiles[0].first_chunk && cmd.tiles[0].last_chunk && cmd.tiles[0].load_weights);
}

TEST(NvdlaCompiler, ZooLayersGoToTheirUnits) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 32;
  const workloads::Graph g = workloads::make_zoo_model("resnet20", o, false);
  const NvdlaParams p = preset("nvdla_small");
  const Program prog = compile(g, p);
  ASSERT_EQ(prog.layers.size(), g.layers.size());
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const workloads::OpKind k = g.layers[i].kind;
    if (g.layers[i].has_weights()) {
      EXPECT_EQ(prog.layers[i].unit, Unit::Conv);
      expect_cover(prog.layers[i], p);
    }
    if (k == workloads::OpKind::Add) {
      EXPECT_EQ(prog.layers[i].unit, Unit::Sdp);
    }
    if (k == workloads::OpKind::GlobalAvgPool) {
      EXPECT_EQ(prog.layers[i].unit, Unit::Pdp);
    }
  }
}

TEST(NvdlaCompiler, RowTooWideIsAClearError) {
  NvdlaParams p = preset("nvdla_small");
  p.cbuf_entries = 16;  // 1 KB data half: 8 channels x 3 rows x 100 columns do not fit
  try {
    compile(single_conv(8, 10, 100, 8, same3x3(), 8, 3), p);
    FAIL() << "expected InputError";
  } catch (const workloads::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit the CBUF"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("conv"), std::string::npos) << e.what();
  }
}

TEST(NvdlaCompiler, RefusesOperandsWiderThanTheDatapath) {
  const NvdlaParams p = preset("nvdla_small");
  try {
    compile(single_conv(4, 6, 6, 4, same3x3(), 12, 4), p);
    FAIL() << "expected InputError";
  } catch (const workloads::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("12-bit weights"), std::string::npos) << e.what();
  }
}

TEST(NvdlaCompiler, TwelveBitActivationsNeedTheInt16Datapath) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = 32;
  o.activation_bits = 12;
  o.weight_bits = 8;
  const workloads::Graph g = workloads::make_zoo_model("resnet20", o, false);
  EXPECT_THROW(compile(g, preset("nvdla_small")), workloads::InputError);
  NvdlaParams wide = preset("nvdla_small");
  wide.datapath = Datapath::Int16;
  EXPECT_NO_THROW(compile(g, wide));
}

}  // namespace
}  // namespace qasim::arch::nvdla
