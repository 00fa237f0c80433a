// The sweep spec: what a good spec expands to, and that every kind of mistake is an
// InputError naming the file, line and column.
#include <gtest/gtest.h>

#include <set>

#include "dse/sweep/sweep_spec.h"
#include "workloads/errors.h"

namespace qasim::dse {
namespace {

SweepSpec parse(const std::string& text, bool cost = false) {
  return parse_sweep_spec_text(text, "spec.yaml", cost);
}

// The message of the InputError `text` raises ("" when it parses).
std::string error_of(const std::string& text, bool cost = false) {
  try {
    parse(text, cost);
  } catch (const workloads::InputError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kWorkload = "workload: {model: 'zoo:resnet8', dataset: synthetic}\n";

TEST(SweepSpec, GridIsArchsTimesPrecisions) {
  const SweepSpec s = parse(std::string(kWorkload) +
                            "accelerators:\n"
                            "  - preset: nvdla_small\n"
                            "    params: {atomic_k: [8, 16], cbuf_entries: {from: 256, to: 1024, "
                            "factor: 2}}\n"
                            "  - nvdla_large\n"
                            "precision: {wbits: [1, 4, 8], abits: [2, 8]}\n");
  // nvdla_small: 2 atomic_k x 3 cbuf_entries (256, 512, 1024); nvdla_large: 1.
  ASSERT_EQ(s.archs.size(), 7u);
  EXPECT_EQ(s.archs[0].label(), "nvdla_small{atomic_k=8,cbuf_entries=256}");
  EXPECT_EQ(s.archs[5].label(), "nvdla_small{atomic_k=16,cbuf_entries=1024}");
  EXPECT_EQ(s.archs[6].label(), "nvdla_large");
  EXPECT_EQ(s.precisions.size(), 6u);
  const std::vector<DesignPoint> grid = s.grid();
  ASSERT_EQ(grid.size(), 42u);
  std::set<std::string> hashes;
  for (const DesignPoint& p : grid) hashes.insert(p.hash);
  EXPECT_EQ(hashes.size(), 42u) << "every point has its own hash";
  // Same precision and same numerics: the accuracy is shared across accelerators.
  EXPECT_EQ(grid[0].accuracy_key, grid[6].accuracy_key);
  EXPECT_NE(grid[0].accuracy_key, grid[7].accuracy_key);
  // Defaults: fast mode, maximize accuracy / minimize latency, grid search.
  EXPECT_EQ(s.mode, "fast");
  EXPECT_EQ(s.search.method, "grid");
  EXPECT_EQ(s.objectives.size(), 2u);
}

TEST(SweepSpec, PairingSameZipsWeightAndActivationBits) {
  const SweepSpec s =
      parse(std::string(kWorkload) +
            "accelerators: [nvdla_small]\n"
            "precision: {wbits: [1, 2, 4, 8], abits: [1, 2, 4, 8], pairing: same}\n");
  ASSERT_EQ(s.precisions.size(), 4u);  // not 16
  for (const PrecisionAssignment& p : s.precisions) EXPECT_EQ(p.wbits, p.abits);
  EXPECT_EQ(parse(std::string(kWorkload) + "precision: {wbits: [1, 2], abits: [4, 8]}\n")
                .precisions.size(),
            4u);  // grid by default
  EXPECT_NE(
      error_of(std::string(kWorkload) + "precision: {wbits: [1, 2], abits: [8], pairing: same}\n")
          .find("spec.yaml:2"),
      std::string::npos);
  EXPECT_NE(error_of(std::string(kWorkload) + "precision: {wbits: [1], abits: [1], pairing: zip}\n")
                .find("must be grid"),
            std::string::npos);
}

TEST(SweepSpec, HashDependsOnResolvedParamsNotSpelling) {
  // atomic_k: 8 is nvdla_small's default: the same accelerator as no override at all, so
  // the same config text and hash; a different mode is a different point.
  const SweepSpec a = parse(std::string(kWorkload) + "accelerators: [nvdla_small]\n");
  const SweepSpec b = parse(std::string(kWorkload) +
                            "accelerators: [{preset: nvdla_small, params: {atomic_k: 8}}]\n");
  const SweepSpec c =
      parse(std::string(kWorkload) + "accelerators: [nvdla_small]\nevaluation: {mode: cycle}\n");
  EXPECT_EQ(a.grid()[0].hash, b.grid()[0].hash);
  EXPECT_NE(a.grid()[0].hash, c.grid()[0].hash);
  EXPECT_NE(a.grid()[0].config_text.find("atomic_k: 8"), std::string::npos);
}

TEST(SweepSpec, AllTakesEveryRegisteredAccelerator) {
  const SweepSpec s = parse(kWorkload);
  std::set<std::string> presets;
  for (const ArchConfig& a : s.archs) presets.insert(a.preset);
  EXPECT_TRUE(presets.contains("nvdla_small"));
  EXPECT_TRUE(presets.contains("nvdla_large"));
}

TEST(SweepSpec, CompressionPointsRunOnTheirOwnAccelerators) {
  const SweepSpec s = parse(std::string(kWorkload) +
                            "accelerators: [nvdla_small, nvdla_large]\n"
                            "precision: {wbits: [4, 8], abits: [8]}\n"
                            "compression:\n"
                            "  accelerators: [eie]\n"
                            "  density: [0.25, 1]\n"
                            "  codebook_bits: [3, 4]\n");
  ASSERT_EQ(s.compression_archs.size(), 1u);
  ASSERT_EQ(s.compressed_precisions.size(), 4u);
  // 2 dense precisions x 2 dense accelerators, then 2 densities x 2 codebooks x eie.
  const std::vector<DesignPoint> grid = s.grid();
  ASSERT_EQ(grid.size(), 8u);
  for (size_t i = 0; i < 4; ++i) EXPECT_NE(grid[i].arch.preset, "eie");
  std::set<std::string> labels;
  for (size_t i = 4; i < 8; ++i) {
    EXPECT_EQ(grid[i].arch.preset, "eie");
    EXPECT_TRUE(grid[i].precision.compressed);
    EXPECT_EQ(grid[i].precision.abits, 8) << "activation bits default to 8";
    labels.insert(grid[i].precision.label());
  }
  EXPECT_EQ(labels, (std::set<std::string>{"w8a8-d25-c3", "w8a8-d25-c4", "w8a8-d100-c3", "w8a8-d100-c4"}));
  // The density is part of what a point's accuracy and hash depend on.
  EXPECT_NE(grid[4].accuracy_key, grid[6].accuracy_key);
  const DesignPoint back = point_from_json(point_to_json(grid[4]));
  EXPECT_EQ(back.precision.density, grid[4].precision.density);
  EXPECT_TRUE(back.precision.compressed);

  const std::string w = kWorkload;
  EXPECT_NE(error_of(w + "compression: {accelerators: [eie], density: [0], codebook_bits: 4}\n")
                .find("spec.yaml:2:46: 'density' 0 is the fraction of weights kept"),
            std::string::npos);
  EXPECT_NE(error_of(w + "compression: {accelerators: [eie], density: 0.5, codebook_bits: 9}\n")
                .find("'codebook_bits' value 9 outside [2, 8]"),
            std::string::npos);
  EXPECT_NE(error_of(w + "compression: {density: 0.5, codebook_bits: 4}\n").find("accelerators"),
            std::string::npos);
  EXPECT_NE(
      error_of(w + "compression: {accelerators: [eie], codebook_bits: 4}\n").find("needs 'density"),
      std::string::npos);
  EXPECT_NE(error_of("workload: {model: m.onnx}\n"
                     "compression: {accelerators: [eie], density: 0.5, codebook_bits: 4}\n")
                .find("needs a zoo model"),
            std::string::npos);
  EXPECT_NE(error_of(w + "compression: {accelerators: [eie], density: 0.5, codebook_bits: 4}\n"
                         "search: {method: nsga2}\n")
                .find("grid or random"),
            std::string::npos);
}

TEST(SweepSpec, ErrorsNameFileLineAndColumn) {
  const std::string w = kWorkload;
  EXPECT_EQ(error_of(w + "acclerators: all\n"),
            "spec.yaml:2:1: unknown key 'acclerators' (expected one of: workload, accelerators, "
            "precision, training, compression, evaluation, objectives, constraints, search)");
  EXPECT_NE(error_of(w + "accelerators: [tpu_v9]\n")
                .find("spec.yaml:2:16: unknown accelerator "
                      "'tpu_v9'"),
            std::string::npos);
  // An override the accelerator refuses: the accelerator's own message, at the entry.
  EXPECT_NE(error_of(w + "accelerators:\n  - {preset: nvdla_small, params: {atomic_kk: 4}}\n")
                .find("spec.yaml:3:5: nvdla_small{atomic_kk=4}"),
            std::string::npos);
  EXPECT_NE(error_of(w + "precision: {wbits: [4, 17]}\n").find("spec.yaml:2:24: 'wbits' value 17"),
            std::string::npos);
  EXPECT_NE(error_of(w + "precision: {wbits: [4, 4]}\n").find("lists 4 twice"), std::string::npos);
  EXPECT_NE(error_of(w + "evaluation: {mode: turbo}\n").find("spec.yaml:2:20: mode 'turbo'"),
            std::string::npos);
  EXPECT_NE(error_of(w + "objectives: [{minimize: joules}]\n").find("unknown metric 'joules'"),
            std::string::npos);
  EXPECT_NE(error_of(w + "constraints: {accuracy: {min: 90, max: 10}}\n").find("min > max"),
            std::string::npos);
  EXPECT_NE(error_of(w + "search: {method: random}\n").find("needs 'samples: N'"),
            std::string::npos);
  EXPECT_NE(error_of(w + "search: {method: nsga2, population: 7}\n").find("must be even"),
            std::string::npos);
  EXPECT_NE(error_of("workload: {model: resnet}\n").find("neither zoo:NAME nor an .onnx file"),
            std::string::npos);
  EXPECT_NE(error_of("workload: {model: m.onnx}\nprecision: {wbits: 4}\n")
                .find("keeps its own precision"),
            std::string::npos);
  EXPECT_NE(error_of(w + "accelerators: [{preset: nvdla_small, params: {atomic_k: {from: 8}}}]\n")
                .find("needs from, to and one of step or factor"),
            std::string::npos);
  EXPECT_NE(error_of(w + "precision: {layers: {conv1: {wbits: [4, 8]}}}\n")
                .find("spec.yaml:2:37: 'wbits' of a layer is one number of bits"),
            std::string::npos);
  EXPECT_NE(error_of("workload: [\n").find("spec.yaml:"), std::string::npos);
}

TEST(SweepSpec, EnergyAndAreaNeedTheCostModel) {
  const std::string text = std::string(kWorkload) + "objectives: [{minimize: energy}]\n";
  EXPECT_NE(error_of(text, false).find("comes from the cost model"), std::string::npos);
  EXPECT_EQ(error_of(text, true), "");
  EXPECT_NE(error_of(std::string(kWorkload) + "constraints: {area: {max: 2}}\n", false)
                .find("spec.yaml:2:15: 'area' comes from the cost model"),
            std::string::npos);
}

TEST(SweepSpec, RangesWithSteps) {
  const SweepSpec s = parse(std::string(kWorkload) +
                            "accelerators: [{preset: nvdla_small, params: {sdp_throughput: "
                            "{from: 4, to: 16, step: 4}}}]\n");
  ASSERT_EQ(s.archs.size(), 4u);
  EXPECT_EQ(s.archs[3].overrides.at(0).second, "16");
}

}  // namespace
}  // namespace qasim::dse
