// Deep Compression on the trainer (workloads/train/compress.h): the weight quantizers of the
// two phases by hand, the pruning schedule, and the whole pipeline on a small ResNet and
// synthetic images (seconds): exact densities, masks that survive fine-tuning and sharing,
// at most 2^b - 1 distinct non-zero weights per layer, and a golden integer accuracy equal to
// the fake-quant float model's.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>
#include <set>

#include "kernels/quantizers.h"
#include "workloads/datasets/dataset.h"
#include "workloads/errors.h"
#include "workloads/train/compress.h"
#include "workloads/train/compress_quantizers.h"
#include "workloads/train/export.h"
#include "workloads/train/trainer.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads::train {
namespace {

using kernels::qat::SharedWeights;

TEST(CompressQuantizers, CentroidGradientIsTheSumOfItsMembers) {
  // Six weights in three clusters (one pruned): assignment 0 1 - 0 2 1.
  SharedWeights s;
  s.centroids = {-0.5f, 0.25f, 0.75f};
  s.assignment = {0, 1, -1, 0, 2, 1};
  SharedWeightQuantizer q(s, 2, 8, {2, 3});
  std::mt19937 rng(1);
  std::vector<float> latent(6, 9.f), y(6);
  q.forward(latent, y, 2, true, rng);
  // The centroids are on the 8-bit grid already (scale 2^-7): decoded, 0 where pruned.
  EXPECT_EQ(y, (std::vector<float>{-0.5f, 0.25f, 0.f, -0.5f, 0.75f, 0.25f}));
  std::vector<float> dx(6, 7.f);
  q.backward(latent, std::vector<float>{1, 2, 3, 4, 5, 6}, dx, 2);
  // By hand: centroid 0 gets 1 + 4, centroid 1 gets 2 + 6, centroid 2 gets 5; the pruned
  // weight's 3 goes nowhere, and the latent weights get nothing.
  EXPECT_EQ(q.centroid_gradients(), (std::vector<float>{5, 8, 5}));
  EXPECT_EQ(dx, std::vector<float>(6, 0.f));
  // Accumulates like every gradient until zero_grad.
  q.backward(latent, std::vector<float>{1, 0, 0, 0, 0, 0}, dx, 2);
  EXPECT_EQ(q.centroid_gradients(), (std::vector<float>{6, 8, 5}));
  // The learned parameter is the centroids; an update moves every member at once.
  auto params = q.learned_params();
  ASSERT_EQ(params.size(), 1u);
  (*params[0].value)[0] -= 0.125f;
  q.forward(latent, y, 2, false, rng);
  EXPECT_EQ(y[0], -0.625f);
  EXPECT_EQ(y[3], -0.625f);
  // The integer form: a codebook with a zero entry, decoded back to the float weights.
  const kernels::Quantized z = q.to_integer(latent, 2);
  EXPECT_EQ(z.params.scheme, kernels::Scheme::Codebook);
  EXPECT_EQ(z.params.bits, 2);  // 3 centroids + zero
  EXPECT_EQ(kernels::dequantize(z.values, z.params).values(), y);
}

TEST(CompressQuantizers, SharedCentroidsAreSnappedToTheCodebookGrid) {
  SharedWeights s;
  s.centroids = {0.3f, 0.9f};  // max 0.9: scale 2^-7 at 8 bits; 0.3 * 128 = 38.4 -> 38
  s.assignment = {0, 1};
  SharedWeightQuantizer q(s, 2, 8, {2});
  std::mt19937 rng(1);
  std::vector<float> y(2);
  q.forward(std::vector<float>(2, 0.f), y, 1, false, rng);
  EXPECT_EQ(y[0], 38.f / 128.f);
  EXPECT_EQ(y[1], 115.f / 128.f);  // 115.2 -> 115
}

TEST(CompressQuantizers, PrunedWeightsGetNoGradientAndStayZero) {
  PrunedWeightQuantizer q({1, 0, 1, 0});
  std::mt19937 rng(1);
  const std::vector<float> w = {0.5f, 0.3f, -0.25f, 0.1f};
  std::vector<float> y(4), dx(4);
  q.forward(w, y, 2, true, rng);
  EXPECT_EQ(y[1], 0.f);
  EXPECT_EQ(y[3], 0.f);
  EXPECT_NEAR(y[0], 0.5f, 1e-4f);  // 16-bit grid per channel
  EXPECT_NEAR(y[2], -0.25f, 1e-4f);
  q.backward(w, std::vector<float>{1, 2, 3, 4}, dx, 2);
  EXPECT_EQ(dx, (std::vector<float>{1, 0, 3, 0}));
  const kernels::Quantized z = q.to_integer(w, 2);
  EXPECT_EQ(z.values[1], 0);
  EXPECT_EQ(z.values[3], 0);
}

TEST(CompressConfig, ScheduleAndPlan) {
  EXPECT_DOUBLE_EQ(scheduled_density(0.25, 1, 2), 0.5);
  EXPECT_DOUBLE_EQ(scheduled_density(0.25, 2, 2), 0.25);
  EXPECT_DOUBLE_EQ(scheduled_density(0.3, 3, 3), 0.3);
  ZooOptions zo;
  zo.input_channels = 1;
  zo.input_height = zo.input_width = 12;
  zo.num_classes = 4;
  zo.width_multiplier = 0.5;
  const Graph g = make_zoo_model("resnet8", zo, false);
  CompressConfig c;
  c.density = 0.4;
  std::vector<LayerPlan> plan = plan_compression(g, c);
  ASSERT_GT(plan.size(), 3u);
  EXPECT_EQ(plan.front().density, 1.0);  // the first layer is only shared by default
  EXPECT_EQ(plan[1].density, 0.4);
  c.prune_first = true;
  c.layers[plan.back().name] = {0.8, 6};
  plan = plan_compression(g, c);
  EXPECT_EQ(plan.front().density, 0.4);
  EXPECT_EQ(plan.back().density, 0.8);
  EXPECT_EQ(plan.back().codebook_bits, 6);
  c.layers["no_such_layer"] = {0.5, std::nullopt};
  EXPECT_THROW(plan_compression(g, c), InputError);
  c.layers.clear();
  c.density = 0;
  EXPECT_THROW(plan_compression(g, c), InputError);
  c.density = 0.5;
  c.codebook_bits = 9;
  EXPECT_THROW(plan_compression(g, c), InputError);
}

Dataset slice(const Dataset& d, int64_t first, int64_t count) {
  Dataset s = d;
  s.pixels.assign(d.image(first), d.image(first + count));
  s.labels.assign(d.labels.begin() + first, d.labels.begin() + first + count);
  return s;
}

TEST(Compress, PipelineOnASmallResNet) {
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Dataset all = make_synthetic(1512, 1, 12, 12, 4, 11);
  const Dataset train = slice(all, 0, 512), test = slice(all, 512, 1000);
  std::unique_ptr<Backend> backend = make_cpu_backend();
  ZooOptions zo;
  zo.input_channels = 1;
  zo.input_height = zo.input_width = 12;
  zo.num_classes = 4;
  zo.width_multiplier = 0.5;
  const QuantConfig quant = parse_quant_spec("int:w8a8");
  TrainConfig tc;
  tc.epochs = 3;
  tc.batch = 32;
  tc.optimizer.lr = 0.1;
  tc.augment = {1, true};
  tc.seed = 5;
  Trainer base(make_zoo_model("resnet8", zo, false), quant, tc, train, test, *backend, "base");
  base.run("", nullptr, nullptr);
  const Graph trained = export_integer_graph(base.model());

  CompressConfig c;
  c.density = 0.35;
  c.codebook_bits = 3;
  c.prune_steps = 2;
  c.prune_epochs = 1;
  c.share_epochs = 1;
  c.train = tc;
  c.train.optimizer.lr = 0.02;
  std::vector<std::string> phases;
  CompressCallbacks cb;
  cb.on_phase = [&](const std::string& phase, int64_t steps) {
    phases.push_back(phase);
    EXPECT_EQ(steps, 16);  // 512 images / 32 per batch, one epoch
  };
  const CompressResult r = compress(trained, quant, c, train, test, *backend, cb);
  EXPECT_EQ(phases, (std::vector<std::string>{"prune 1/2", "prune 2/2", "share"}));
  ASSERT_EQ(r.masks.size(), r.plan.size());
  EXPECT_GT(r.base_accuracy, 50.0);  // chance: 25 %
  EXPECT_GT(r.fake_quant_accuracy, 50.0);

  const std::vector<LayerStorage> storage = compressed_storage(r.graph, c.value_bits);
  ASSERT_EQ(storage.size(), r.plan.size());
  for (size_t j = 0; j < r.plan.size(); ++j) {
    const Layer& l = r.graph.layers[r.plan[j].layer];
    const int64_t n = l.weights.size();
    // Exactly round(d * n) weights survive pruning (the first layer is not pruned).
    const double d = j == 0 ? 1.0 : 0.35;
    int64_t kept = 0;
    for (uint8_t m : r.masks[j]) kept += m;
    EXPECT_EQ(kept, std::llround(d * static_cast<double>(n))) << l.name;
    // Pruned weights are still zero after two fine-tunings and the sharing.
    std::set<int32_t> distinct;
    for (int64_t k = 0; k < n; ++k) {
      if (!r.masks[j][static_cast<size_t>(k)]) {
        EXPECT_EQ(l.weights[k], 0) << l.name << " " << k;
      }
      if (l.weights[k] != 0) distinct.insert(l.weights[k]);
    }
    // 3-bit index, index 0 for zero: at most 7 shared non-zero weights.
    EXPECT_EQ(l.weight_q.scheme, kernels::Scheme::Codebook) << l.name;
    EXPECT_LE(distinct.size(), 7u) << l.name;
    EXPECT_EQ(l.weight_q.bits, 3) << l.name;
    EXPECT_EQ(storage[j].distinct_nonzero, static_cast<int>(distinct.size()));
    EXPECT_LE(storage[j].nonzero, kept);
  }
  // The integer model the golden engine runs agrees with the float model (1000 images:
  // 0.3 points are 3 images).
  const double golden = golden_accuracy(r.graph, test, 0);
  EXPECT_NEAR(golden, r.fake_quant_accuracy, 0.3);
  omp_set_num_threads(saved_threads);
}

TEST(Compress, StorageCountsByHand) {
  // One FC layer 2 x 20 with a 2-bit codebook: row 0 has non-zeros at 0 and 19 (18 zeros
  // between: one padding entry), row 1 one at 17, 17 zeros after row 0's last (the
  // relative index runs on over the flattened weights: one padding entry).
  Graph g;
  g.name = "tiny";
  Layer in;
  in.kind = OpKind::Input;
  in.name = "in";
  in.output_shape = {20, 1, 1};
  g.layers.push_back(in);
  Layer fc;
  fc.kind = OpKind::FullyConnected;
  fc.name = "fc";
  fc.inputs = {0};
  fc.out_channels = 2;
  std::vector<int32_t> w(40, 0);
  w[0] = 3;
  w[19] = -3;
  w[20 + 17] = 3;
  fc.weights = kernels::IntTensor({2, 20}, w);
  fc.weight_q.scheme = kernels::Scheme::Codebook;
  fc.weight_q.bits = 2;
  fc.weight_q.codebook = {-3, 0, 3};
  g.layers.push_back(fc);
  const std::vector<LayerStorage> s = compressed_storage(g, 8);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].weights, 40);
  EXPECT_EQ(s[0].nonzero, 3);
  EXPECT_EQ(s[0].padding, 2);
  EXPECT_EQ(s[0].distinct_nonzero, 2);
  EXPECT_EQ(s[0].dense_bits, 32 * 40);
  EXPECT_EQ(s[0].compressed_bits, (3 + 2) * (2 + 4) + 3 * 8);
}

}  // namespace
}  // namespace qasim::workloads::train
