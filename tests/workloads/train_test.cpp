// The trainer end to end on small networks and synthetic images (seconds): it learns, it is
// deterministic, resuming from a checkpoint equals never stopping, and the exported integer
// graph run by the golden engine agrees with the fake-quantized float model.
#include <gtest/gtest.h>
#include <omp.h>

#include <filesystem>
#include <random>

#include "kernels/train/loss.h"
#include "workloads/datasets/dataset.h"
#include "workloads/errors.h"
#include "workloads/train/export.h"
#include "workloads/train/trainer.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads::train {
namespace {

Graph small_resnet() {
  ZooOptions o;
  o.input_channels = 1;
  o.input_height = o.input_width = 12;
  o.num_classes = 4;
  o.width_multiplier = 0.5;
  return make_zoo_model("resnet8", o, false);
}

// Training and test images from one synthetic set: its class patterns come from the seed.
Dataset slice(const Dataset& d, int64_t first, int64_t count) {
  Dataset s = d;
  s.pixels.assign(d.image(first), d.image(first + count));
  s.labels.assign(d.labels.begin() + first, d.labels.begin() + first + count);
  return s;
}

const Dataset& synthetic() {
  static const Dataset d = make_synthetic(1512, 1, 12, 12, 4, 11);
  return d;
}

struct Rig {
  Dataset train = slice(synthetic(), 0, 512);
  Dataset test = slice(synthetic(), 512, 1000);
  std::unique_ptr<Backend> backend = make_cpu_backend();
  TrainConfig config;
  // One thread: these networks are too small to gain from more, and the shared CI cores
  // would only add synchronisation waits.
  int saved_threads = omp_get_max_threads();
  Rig() {
    omp_set_num_threads(1);
    config.epochs = 3;
    config.batch = 32;
    config.optimizer.lr = 0.1;
    config.augment = {1, true};
    config.seed = 5;
  }
  Trainer make(const std::string& quant, int edge_bits = 0) {
    QuantConfig q = parse_quant_spec(quant);
    q.first_bits = q.last_bits = edge_bits;
    return Trainer(small_resnet(), q, config, train, test, *backend, quant);
  }
  ~Rig() { omp_set_num_threads(saved_threads); }
};

TEST(Train, QuantSpecSyntax) {
  const QuantConfig a = parse_quant_spec("dorefa:w2a2");
  EXPECT_EQ(a.weight.method, "dorefa");
  EXPECT_EQ(a.weight.bits, 2);
  EXPECT_EQ(a.activation.method, "dorefa");
  EXPECT_EQ(a.activation.bits, 2);
  const QuantConfig b = parse_quant_spec("twn:w2+pact:a8+dorefa:g8");
  EXPECT_EQ(b.weight.method, "twn");
  EXPECT_EQ(b.activation.method, "pact");
  EXPECT_EQ(b.activation.bits, 8);
  ASSERT_TRUE(b.gradient);
  EXPECT_EQ(b.gradient->bits, 8);
  EXPECT_TRUE(parse_quant_spec("fp").float_model);
  for (const char* bad : {"", "dorefa", "dorefa:w2", "dorefa:x2a2", "a:w2+b:w3a3", "Q:w2a2"})
    EXPECT_THROW(parse_quant_spec(bad), InputError) << bad;
}

TEST(Train, QuantizerPlacement) {
  const Graph g = small_resnet();
  QuantConfig c = parse_quant_spec("dorefa:w2a2");
  c.first_bits = c.last_bits = 8;
  c.layer_precision["layer1.0.conv1"] = {3, 6, std::nullopt};
  const std::vector<LayerQuantizers> q = make_quantizers(g, c);
  auto at = [&](const std::string& name) -> const LayerQuantizers& { return q[g.find(name)]; };
  EXPECT_EQ(at("conv1").weight->name(), "minmax");  // the 8-bit first layer
  EXPECT_EQ(at("conv1").weight->bits(), 8);
  EXPECT_EQ(at("conv1").activation->name(), "dorefa");  // its ReLU output: the method
  EXPECT_EQ(at("conv1").activation->bits(), 2);
  EXPECT_EQ(at("layer1.0.conv1").weight->bits(), 3);  // the per-layer override
  EXPECT_EQ(at("layer1.0.conv1").activation->bits(), 6);
  EXPECT_EQ(at("layer2.0.conv1").weight->name(), "dorefa");
  EXPECT_EQ(at("layer2.0.conv1").weight->bits(), 2);
  EXPECT_EQ(at("layer1.0.conv2").activation->name(), "ema");  // before the add: signed 8 bits
  EXPECT_EQ(at("layer1.0.conv2").activation->bits(), 8);
  EXPECT_TRUE(at("layer1.0.conv2").signed_output);
  EXPECT_EQ(at("layer1.0.add").activation->name(), "ema");  // DoReFa's [0, 1] would saturate
  EXPECT_EQ(at("layer1.0.add").activation->bits(), 2);
  EXPECT_EQ(at("layer2.0.shortcut").weight, nullptr);  // fixed 0/1 weights keep the grid
  EXPECT_EQ(at("layer2.0.shortcut").activation, nullptr);
  EXPECT_EQ(at("fc").weight->bits(), 8);
  EXPECT_TRUE(at("fc").signed_output);
  c.layer_precision["nosuchlayer"] = {4, 4, std::nullopt};
  EXPECT_THROW(make_quantizers(g, c), InputError);
}

TEST(Train, LearnsAndIsDeterministic) {
  Rig s;
  Trainer a = s.make("fp");
  a.run("", nullptr, nullptr);
  ASSERT_EQ(a.curve().size(), 3u);
  EXPECT_LT(a.curve()[2].train_loss, a.curve()[0].train_loss);
  EXPECT_GT(a.curve()[2].test_accuracy, 80.0);  // 4 classes: chance is 25%
  Trainer b = s.make("fp");
  b.run("", nullptr, nullptr);
  for (size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(a.curve()[e].train_loss, b.curve()[e].train_loss);
    EXPECT_EQ(a.curve()[e].test_accuracy, b.curve()[e].test_accuracy);
  }
  EXPECT_EQ(a.model().layer(1).w, b.model().layer(1).w);
}

TEST(Train, ResumeEqualsUninterrupted) {
  Rig s;
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("qasim_train_resume_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  const std::string ck = (dir / "checkpoint.bin").string();
  std::filesystem::remove(ck);
  Trainer straight = s.make("minmax:w4+ema:a4+dorefa:g8");
  straight.run("", nullptr, nullptr);
  {
    Rig first_half;
    Trainer t = first_half.make("minmax:w4+ema:a4+dorefa:g8");
    // Killed after the first epoch's checkpoint was written.
    int epochs_seen = 0;
    try {
      t.run(ck, nullptr, [&](const EpochRecord&) {
        if (++epochs_seen == 1) throw std::runtime_error("killed");
      });
    } catch (const std::runtime_error&) {
    }
  }
  Trainer resumed = s.make("minmax:w4+ema:a4+dorefa:g8");
  EXPECT_EQ(resumed.resume(ck), 1);
  resumed.run(ck, nullptr, nullptr);
  ASSERT_EQ(resumed.curve().size(), 3u);
  for (size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(resumed.curve()[e].train_loss, straight.curve()[e].train_loss);
    EXPECT_EQ(resumed.curve()[e].test_accuracy, straight.curve()[e].test_accuracy);
  }
  EXPECT_EQ(resumed.model().layer(1).w, straight.model().layer(1).w);
  // Another configuration refuses the checkpoint.
  Trainer other = s.make("minmax:w8+ema:a8");
  EXPECT_THROW(other.resume(ck), InputError);
  std::filesystem::remove_all(dir);
}

// The accuracy the trainer reports comes from the integer graph; it must agree with the
// fake-quantized float model within 0.3 points (3 of the 1000 test images).
void expect_golden_agrees(const std::string& quant, double learned_above = 50.0) {
  Rig s;
  Trainer t = s.make(quant, 8);  // first and last layer at 8 bits, as the recipes
  t.run("", nullptr, nullptr);
  const double fake = t.evaluate(s.test, 0, 250);
  ExportStats stats;
  const Graph g = export_integer_graph(t.model(), &stats);
  const double golden = golden_accuracy(g, s.test, 0);
  EXPECT_GT(fake, learned_above) << quant;  // it learned something (chance: 25%)
  EXPECT_NEAR(golden, fake, 0.3) << quant;
  EXPECT_EQ(stats.clamped_weights, 0) << quant;
}

TEST(Train, GoldenAgreesWithFakeQuant8Bit) {
  expect_golden_agrees("minmax:w8+ema:a8");
}

TEST(Train, GoldenAgreesWithFakeQuant4Bit) {
  expect_golden_agrees("minmax:w4+pact:a4");
}

TEST(Train, GoldenAgreesWithFakeQuantDoReFaW2A2) {
  expect_golden_agrees("dorefa:w2a2");
}

TEST(Train, GoldenAgreesWithFakeQuantTernaryLsq) {
  expect_golden_agrees("twn:w2+lsq:a4");
}

TEST(Train, GoldenAgreesWithFakeQuantBinary) {
  // Sign activations: the integer model's sign(0) = +1 must be the float model's too.
  // This small rig agrees even without the accumulator snap of apply_folded (the gap showed
  // on the committed W1A1 model: configs/trained/resnet20-fmnist/README.md); it guards the
  // agreement for binary layers, not that particular regression.
  // W1A1 learns slowly in this tiny run: above chance is all it shows.
  expect_golden_agrees("xnor:w1+bnn:a1", 30.0);
}

TEST(Train, FloatModelExportsAsEightBit) {
  expect_golden_agrees("fp");
}

}  // namespace
}  // namespace qasim::workloads::train

namespace qasim::workloads::train {
namespace {

// The whole model's backward pass (residual adds, option-A shortcuts, BN in training mode,
// pooling, the FC flatten) against central differences of the loss, in float: a float
// network cannot resolve more than a few digits, so the tolerance is loose, but a wrong or
// missing term (a dropped branch, a transposed flatten) is off by far more.
void check_model_gradients(const std::string& zoo_name, const ZooOptions& o) {
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(1);  // tiny tensors: more threads would only wait on each other
  const Graph g = make_zoo_model(zoo_name, o, false);
  std::unique_ptr<Backend> backend = make_cpu_backend();
  TrainModel model(g, parse_quant_spec("fp"), 3, *backend);
  const Shape3 in = g.input().output_shape;
  const int64_t batch = 8;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> x(static_cast<size_t>(in.elements() * batch));
  for (float& v : x) v = u(rng);
  const std::vector<int32_t> labels = {0, 1, 2, 1, 2, 2, 0, 1};
  auto loss = [&] {
    const std::vector<float>& logits = model.forward(x, batch, true, rng);
    return kernels::train::softmax_cross_entropy<float>(model.num_classes(), batch, logits.data(),
                                                        labels.data(), nullptr, nullptr);
  };
  const std::vector<float>& logits = model.forward(x, batch, true, rng);
  std::vector<float> dlogits(logits.size());
  kernels::train::softmax_cross_entropy<float>(model.num_classes(), batch, logits.data(),
                                               labels.data(), dlogits.data(), nullptr);
  model.zero_grad();
  model.backward(dlogits);
  int checked = 0;
  for (Param& p : model.params()) {
    const std::vector<float> analytic = *p.grad;
    for (size_t k = 0; k < p.value->size(); k += std::max<size_t>(1, p.value->size() / 2)) {
      const float keep = (*p.value)[k], h = 1e-3f;
      (*p.value)[k] = keep + h;
      const double up = loss();
      (*p.value)[k] = keep - h;
      const double down = loss();
      (*p.value)[k] = keep;
      const double numeric = (up - down) / (2 * h);
      if (std::abs(analytic[k] - numeric) > 0.05 * std::abs(numeric) + 2e-3) {
        ADD_FAILURE() << zoo_name << " " << p.name << "[" << k << "]: analytic " << analytic[k]
                      << ", numeric " << numeric;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
  omp_set_num_threads(saved_threads);
}

TEST(TrainModel, GradientsMatchFiniteDifferencesResNet) {
  ZooOptions o;
  o.input_channels = 1;
  o.input_height = o.input_width = 16;
  o.num_classes = 3;
  o.width_multiplier = 0.25;
  check_model_gradients("resnet8", o);
}

TEST(TrainModel, GradientsMatchFiniteDifferencesLeNet) {
  ZooOptions o;
  o.num_classes = 3;
  check_model_gradients("lenet5", o);
}

}  // namespace
}  // namespace qasim::workloads::train
