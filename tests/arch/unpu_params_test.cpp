// UNPU params: the preset, YAML overrides and the errors bad params give; the compiler's
// refusals; the registry entry.
#include <gtest/gtest.h>

#include "arch/registry.h"
#include "arch/unpu/params.h"
#include "unpu_support.h"
#include "workloads/errors.h"

namespace qasim::arch::unpu {
namespace {

using testing::conv_geometry;
using testing::single_layer;

std::string error_of(const std::string& yaml) {
  try {
    UnpuParams::schema().parse_text(yaml, "unpu.yaml");
  } catch (const workloads::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(UnpuParams, PresetAndOverrides) {
  const UnpuParams p = UnpuParams::schema().parse_text(
      "preset: unpu\ncores: 2\nlbpes_per_core: 3\ndram: {bandwidth_gb_s: 6.4}\n", "unpu.yaml");
  EXPECT_EQ(p.cores, 2);
  EXPECT_EQ(p.lbpes_per_core, 3);
  EXPECT_EQ(p.lanes, 12);
  EXPECT_DOUBLE_EQ(p.dram.bandwidth_gb_s, 6.4);
  EXPECT_DOUBLE_EQ(p.clock_mhz, 200);
  // Written back as YAML, the params read back the same.
  const UnpuParams q =
      UnpuParams::schema().parse_text(UnpuParams::schema().to_yaml(p), "round_trip.yaml");
  EXPECT_EQ(q.cores, 2);
  EXPECT_DOUBLE_EQ(q.dram.bandwidth_gb_s, 6.4);
}

TEST(UnpuParams, BadYamlNamesTheProblem) {
  EXPECT_NE(error_of("cores: 0\n").find("cores = 0 is below the minimum 1"), std::string::npos);
  EXPECT_NE(error_of("lut_inputs: 9\n").find("lut_inputs"), std::string::npos);
  EXPECT_NE(error_of("lbpe_count: 3\n").find("lbpe_count"), std::string::npos);
  EXPECT_NE(error_of("preset: nope\n").find("unknown unpu preset 'nope'"), std::string::npos);
  EXPECT_NE(error_of("overflow: round\n").find("overflow"), std::string::npos);
  EXPECT_NE(error_of("lanes_binary: 4\n").find("lanes_binary"), std::string::npos);
  EXPECT_NE(error_of("clock_mhz: fast\n").find("unpu.yaml:1"), std::string::npos);
}

TEST(UnpuCompiler, RefusesWhatItCannotRunWithTheLayerName) {
  UnpuParams p = testing::preset();
  p.max_weight_bits = 8;
  try {
    compile(single_layer(4, 4, 4, 4, conv_geometry(1, 1, 0), 12, 1), p);
    FAIL() << "12-bit weights accepted by an 8-bit LBPE";
  } catch (const workloads::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'conv'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("12-bit weights"), std::string::npos) << e.what();
  }
  p = testing::preset();
  p.activation_bits = 8;  // the test input is 12-bit
  EXPECT_THROW(compile(single_layer(4, 4, 4, 4, conv_geometry(1, 1, 0), 4, 1), p),
               workloads::InputError);
  p = testing::preset();
  p.feature_memory_kib = 1;  // 512 B per half; one channel's 17 x 17 x 2 B window does not fit
  try {
    compile(single_layer(4, 32, 32, 4, conv_geometry(17, 1, 8), 4, 1), p);
    FAIL() << "a 578-byte window accepted by a 512-byte feature memory tile";
  } catch (const workloads::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'conv'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("578 bytes"), std::string::npos) << e.what();
  }
}

TEST(UnpuRegistry, PresetIsRegistered) {
  Registry registry;
  register_all(registry);
  const ArchInfo* info = registry.find("unpu");
  ASSERT_NE(info, nullptr);
  const std::unique_ptr<Accelerator> accel = info->make();
  EXPECT_EQ(accel->name(), "unpu");
  EXPECT_DOUBLE_EQ(accel->clock_mhz(), 200);
  EXPECT_EQ(accel->peak_macs_per_cycle(), 864);
  EXPECT_FALSE(accel->inventory().empty());
  EXPECT_NE(accel->params_yaml().find("lanes: 12"), std::string::npos);
}

}  // namespace
}  // namespace qasim::arch::unpu
