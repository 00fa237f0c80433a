// EIE params: the preset holds the published configuration, YAML overrides work, bad YAML is
// refused with the file and place; the accelerator is registered and its actions and
// inventory name the same components.
#include <gtest/gtest.h>

#include <set>

#include "arch/eie/accelerator.h"
#include "arch/eie/params.h"
#include "arch/registry.h"
#include "eie_support.h"
#include "workloads/errors.h"

namespace qasim::arch::eie {
namespace {

using workloads::InputError;

TEST(EieParams, PresetIsThePublishedConfiguration) {
  const EieParams p = EieParams::schema().preset_value("eie");
  EXPECT_EQ(p.num_pes, 64);
  EXPECT_DOUBLE_EQ(p.clock_mhz, 800);
  EXPECT_EQ(p.queue_depth, 8);
  EXPECT_EQ(p.codebook_entries(), 16);
  EXPECT_EQ(p.max_relative_index(), 15);
  EXPECT_EQ(p.weight_bits, 16);
  EXPECT_EQ(p.spmat_sram_bytes + p.pointer_sram_bytes + p.activation_sram_bytes, 162 * 1024);
  EXPECT_EQ(p.entries_per_word(), 8);         // 64-bit word, 8-bit entries
  EXPECT_EQ(p.rows_per_batch(), 4096);        // 64 PEs x 64 registers
  EXPECT_EQ(p.spmat_entries(), 128 * 1024);   // 8-bit entries
  EXPECT_EQ(p.pointer_entries(), 16 * 1024);  // 16-bit pointers
}

TEST(EieParams, YamlPresetPlusOverrides) {
  const EieParams p = EieParams::schema().parse_text(
      "preset: eie\nnum_pes: 32\nqueue_depth: 4\ndram:\n  latency_cycles: 80\n", "t.yaml");
  EXPECT_EQ(p.num_pes, 32);
  EXPECT_EQ(p.queue_depth, 4);
  EXPECT_EQ(p.dram.latency_cycles, 80);
  EXPECT_EQ(p.index_bits, 4);
}

std::string error_of(const std::string& yaml) {
  try {
    EieParams::schema().parse_text(yaml, "bad.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(EieParams, BadYamlNamesFileAndProblem) {
  EXPECT_NE(error_of("num_pe: 3\n").find("bad.yaml"), std::string::npos);
  EXPECT_NE(error_of("queue_depth: 0\n").find("queue_depth"), std::string::npos);
  EXPECT_NE(error_of("index_bits: 3\n").find("spmat_word_bits"), std::string::npos);  // 7-bit
  EXPECT_NE(error_of("accumulator_bits: 24\n").find("accumulator_bits"), std::string::npos);
  EXPECT_NE(error_of("overflow: clamp\n").find("overflow"), std::string::npos);
  EXPECT_NE(error_of("synthetic_activation_density: 1.5\n").find("density"), std::string::npos);
  EXPECT_NE(error_of("num_pes: [1, 2]\n").find("num_pes"), std::string::npos);
}

TEST(EieAccelerator, RegisteredAsEie) {
  Registry r;
  register_all(r);
  const ArchInfo* info = r.find("eie");
  ASSERT_NE(info, nullptr);
  const std::unique_ptr<Accelerator> a = info->make();
  EXPECT_EQ(a->peak_macs_per_cycle(), 64);
  EXPECT_EQ(a->numerics().requant, kernels::RequantMode::MulShift);
}

TEST(EieAccelerator, SyntheticInputHasTheRequestedDensity) {
  testing::SparseLayer s;
  s.in_c = 20000;
  const workloads::Graph g = testing::sparse_graph(s, 1);
  EieParams p = testing::preset();
  p.synthetic_activation_density = 0.35;
  const kernels::IntTensor x = synthetic_input(g, p);
  int64_t nonzero = 0;
  for (int64_t k = 0; k < x.size(); ++k) nonzero += x[k] != 3;  // zero point 3
  EXPECT_NEAR(static_cast<double>(nonzero) / x.size(), 0.35, 0.02);
}

TEST(EieAccelerator, ActionsUseInventoryComponents) {
  testing::SparseLayer s;
  s.in_c = 300;
  s.out = 200;
  const workloads::Graph g = testing::sparse_graph(s, 3);
  const EieAccelerator a("eie", testing::preset());
  const RunResult r = a.run(g, Mode::Fast);
  std::set<std::string> components;
  for (const auto& item : a.inventory()) components.insert(item.component);
  ASSERT_FALSE(r.actions.empty());
  for (const auto& layer : r.actions)
    for (const auto& act : layer.actions)
      EXPECT_TRUE(components.count(act.component)) << act.component;
  EXPECT_EQ(r.layers.at(1).unit, "spmv");
  EXPECT_GT(r.layers.at(1).macs, 0);
}

}  // namespace
}  // namespace qasim::arch::eie
