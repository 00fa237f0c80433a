// The spec's `training:` section: what it parses to, what it adds to a point's config
// (the recipe, not where the cache lies), which precisions the sweep trains and with which
// trainer request, and that every mistake is an InputError naming the file, line, column.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "dse/sweep/sweep_spec.h"
#include "dse/sweep/sweep_training.h"
#include "workloads/errors.h"

namespace qasim::dse {
namespace {

SweepSpec parse(const std::string& text) {
  return parse_sweep_spec_text(text, "dir/spec.yaml", true);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const workloads::InputError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kHead =
    "workload: {model: 'zoo:resnet8', dataset: synthetic, images: 64}\n"
    "accelerators: [nvdla_small]\n"
    "precision: {wbits: [1, 4], abits: [1, 4], pairing: same}\n";

TEST(SweepTraining, ParsesMethodsAndRecipe) {
  const SweepSpec s = parse(std::string(kHead) +
                            "training:\n"
                            "  methods: {1: {weights: xnor, activations: bnn}, 4: lsq}\n"
                            "  epochs: 2\n  train_images: 300\n  batch: 32\n  lr: 0.05\n"
                            "  crop_padding: 2\n  flip: true\n  seed: 9\n  threads: 2\n"
                            "  cache: models\n");
  ASSERT_TRUE(s.workload.training);
  const TrainingRecipe& t = *s.workload.training;
  EXPECT_EQ(t.epochs, 2);
  EXPECT_EQ(t.train_images, 300);
  EXPECT_EQ(t.batch, 32);
  EXPECT_DOUBLE_EQ(t.lr, 0.05);
  EXPECT_EQ(t.crop_padding, 2);
  EXPECT_TRUE(t.flip);
  EXPECT_EQ(t.seed, 9u);
  EXPECT_EQ(t.threads, 2);
  // Relative to the spec's folder, like `trained:`.
  EXPECT_EQ(t.cache_dir, "dir/models");
  const BitsMethods w1a4 = t.methods_for(1, 4, "none");
  EXPECT_EQ(w1a4.weights, "xnor");
  EXPECT_EQ(w1a4.activations, "lsq");
  // A width not listed takes precision.method.
  EXPECT_EQ(t.methods_for(8, 8, "dorefa").weights, "dorefa");
}

TEST(SweepTraining, RecipeIsInThePointHashButCacheAndThreadsAreNot) {
  const std::string recipe = "  methods: {1: {weights: xnor, activations: bnn}, 4: lsq}\n";
  auto first_hash = [&](const std::string& extra) {
    return parse(std::string(kHead) + "training:\n" + recipe + extra).grid().front().hash;
  };
  const std::string base = first_hash("  epochs: 1\n");
  EXPECT_NE(base, parse(kHead).grid().front().hash) << "training changes what accuracy means";
  EXPECT_NE(base, first_hash("  epochs: 2\n"));
  EXPECT_NE(base, first_hash("  epochs: 1\n  train_images: 100\n"));
  EXPECT_EQ(base, first_hash("  epochs: 1\n  cache: elsewhere\n  threads: 4\n"));
}

TEST(SweepTraining, RequestIsTheEquivalentTrainCommand) {
  SweepSpec s = parse(std::string(kHead) +
                      "training:\n"
                      "  methods: {1: {weights: xnor, activations: bnn}, 4: lsq}\n"
                      "  train_images: 300\n");
  default_training_cache(s.workload, "out/sweep.db");
  EXPECT_EQ(s.workload.training->cache_dir, "out/train-cache");
  const std::vector<DesignPoint> grid = s.grid();
  ASSERT_EQ(grid.size(), 2u);
  const std::optional<TrainRequest> w1 = sweep_training_request(s.workload, grid[0].precision);
  const std::optional<TrainRequest> w4 = sweep_training_request(s.workload, grid[1].precision);
  ASSERT_TRUE(w1 && w4);
  EXPECT_EQ(w1->quant_spec, "xnor:w1+bnn:a1");
  EXPECT_EQ(w4->quant_spec, "lsq:w4+lsq:a4");
  // First and last layer weights at 8 bits below 8 (first_last_bits: 0), as untrained points.
  EXPECT_EQ(w4->quant.first_bits, 8);
  EXPECT_EQ(w4->quant.last_bits, 8);
  EXPECT_EQ(w4->recipe.train_images, 300);
  EXPECT_EQ(w4->recipe.test_images, 64) << "the summary's accuracy on the sweep's images";
  EXPECT_EQ(w4->dataset, "synthetic");
  EXPECT_NE(w1->config_hash(), w4->config_hash());
  EXPECT_EQ(sweep_trained_model(s.workload, *w4),
            "out/train-cache/" + w4->config_hash() + "/model.onnx");
}

TEST(SweepTraining, TrainedFolderWinsOverTraining) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("qasim-sweep-training-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "trained");
  std::ofstream(dir / "trained" / "w4a4.onnx") << "stands in for a model";
  std::ofstream(dir / "spec.yaml") << "workload: {model: 'zoo:resnet8', dataset: synthetic, "
                                      "trained: trained}\n"
                                      "accelerators: [nvdla_small]\n"
                                      "precision: {wbits: [1, 4], abits: [1, 4], pairing: same}\n"
                                      "training: {methods: {1: xnor, 4: lsq}}\n";
  const SweepSpec s = parse_sweep_spec_file((dir / "spec.yaml").string(), true);
  const std::vector<DesignPoint> grid = s.grid();
  EXPECT_TRUE(sweep_training_request(s.workload, grid[0].precision)) << "w1a1: not in the folder";
  EXPECT_FALSE(sweep_training_request(s.workload, grid[1].precision)) << "w4a4: in the folder";
  std::filesystem::remove_all(dir);
}

TEST(SweepTraining, MistakesNameFileLineAndColumn) {
  const std::string h = kHead;
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor, 4: lsq}, epoch: 2}\n")
                .find("dir/spec.yaml:4:40: unknown key 'epoch'"),
            std::string::npos);
  // xnor is 1-bit only: 4-bit weights cannot take it.
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor, 4: xnor}}\n")
                .find("dir/spec.yaml:4:34: training: 4-bit weights:"),
            std::string::npos);
  // PACT quantizes activations only.
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor, 4: pact}}\n").find("4-bit weights"),
            std::string::npos);
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor}}\n")
                .find("no method for 4-bit weights (list 4 in 'methods', or set "
                      "precision.method)"),
            std::string::npos);
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor, 4: lsqq}}\n")
                .find("dir/spec.yaml:4:34: unknown method 'lsqq'"),
            std::string::npos);
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor, 4: lsq}, epochs: 0}\n")
                .find("'epochs' must be in [1, 100000]"),
            std::string::npos);
  EXPECT_NE(error_of(h + "training: {methods: {1: xnor, 4: lsq, 17: lsq}}\n")
                .find("bits in 'methods' must be 1..16"),
            std::string::npos);
  EXPECT_NE(error_of(h + "training: {methods: {1: {weights: xnor}, 4: lsq}}\n")
                .find("needs both 'weights' and 'activations'"),
            std::string::npos);
  EXPECT_NE(error_of("workload: {model: m.onnx}\ntraining: {epochs: 1}\n")
                .find("dir/spec.yaml:2:11: an imported ONNX model was trained by its exporter"),
            std::string::npos);
  EXPECT_NE(error_of("workload: {model: 'zoo:resnet8', dataset: synthetic}\n"
                     "precision: {wbits: [2], abits: [2], scheme: pow2}\n"
                     "training: {methods: {2: dorefa}}\n")
                .find("precision.scheme must be uniform"),
            std::string::npos);
  // precision.method stands in for widths `methods` does not list.
  EXPECT_EQ(error_of("workload: {model: 'zoo:resnet8', dataset: synthetic}\n"
                     "precision: {wbits: [2, 4], abits: [4], method: dorefa}\n"
                     "training: {epochs: 1}\n"),
            "");
}

}  // namespace
}  // namespace qasim::dse
