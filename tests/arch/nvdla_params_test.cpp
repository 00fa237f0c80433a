// NVDLA params: presets match REFERENCES.md, YAML overrides, unknown keys and bad shapes
// rejected, numerics() carries the accelerator's arithmetic.
#include <gtest/gtest.h>

#include "arch/nvdla/params.h"
#include "workloads/errors.h"

namespace qasim::arch::nvdla {
namespace {

using workloads::InputError;

TEST(NvdlaParams, PresetsMatchThePublishedConfigurations) {
  const NvdlaParams small = NvdlaParams::schema().preset_value("nvdla_small");
  EXPECT_EQ(small.macs(), 64);
  EXPECT_EQ(small.cbuf_bytes(), 32 * 8 * 512);  // 128 KB
  EXPECT_EQ(small.datapath, Datapath::Int8);
  EXPECT_EQ(small.dram.latency_cycles, 50);
  EXPECT_DOUBLE_EQ(small.dram.bandwidth_gb_s * 1e3 / small.clock_mhz, 8.0);  // 8 B/cycle
  const NvdlaParams large = NvdlaParams::schema().preset_value("nvdla_large");
  EXPECT_EQ(large.macs(), 2048);
  EXPECT_EQ(large.cbuf_bytes(), 16 * 64 * 512);  // 512 KB
  EXPECT_EQ(large.data_bytes() + large.weight_bytes(), large.cbuf_bytes());
}

TEST(NvdlaParams, NumericsAreMulShiftWithTheAccumulatorParams) {
  NvdlaParams p;
  p.accumulator_bits = 24;
  p.overflow = kernels::Overflow::Wrap;
  const kernels::Numerics n = p.numerics();
  EXPECT_EQ(n.requant, kernels::RequantMode::MulShift);
  EXPECT_EQ(n.mulshift_bits, 16);
  EXPECT_EQ(n.accumulator.bits, 24);
  EXPECT_EQ(n.accumulator.overflow, kernels::Overflow::Wrap);
}

TEST(NvdlaParams, YamlPresetPlusOverrides) {
  const NvdlaParams p = NvdlaParams::schema().parse_text(
      "preset: nvdla_small\natomic_c: 16\ndatapath: int16\ndram:\n  latency_cycles: 80\n",
      "test.yaml");
  EXPECT_EQ(p.atomic_c, 16);
  EXPECT_EQ(p.atomic_k, 8);
  EXPECT_EQ(p.datapath, Datapath::Int16);
  EXPECT_EQ(p.dram.latency_cycles, 80);
  EXPECT_EQ(p.dram.burst_bytes, 8);  // kept from the preset
}

TEST(NvdlaParams, RejectsUnknownKeysAndImpossibleShapes) {
  const auto& s = NvdlaParams::schema();
  EXPECT_THROW(s.parse_text("atomic_q: 3\n", "t.yaml"), InputError);
  EXPECT_THROW(s.parse_text("atomic_c: 0\n", "t.yaml"), InputError);
  EXPECT_THROW(s.parse_text("cbuf_weight_banks: 32\n", "t.yaml"), InputError);  // no data
  EXPECT_THROW(s.parse_text("datapath: int4\n", "t.yaml"), InputError);
  EXPECT_THROW(s.parse_text("accumulator_bits: 16\ndatapath: int16\n", "t.yaml"), InputError);
  EXPECT_THROW(s.parse_text("preset: nv_huge\n", "t.yaml"), InputError);
}

}  // namespace
}  // namespace qasim::arch::nvdla
