// The golden engine's wiring: each layer gets the right inputs and quantization, batching
// and memory reuse change nothing, bad inputs are refused. The kernels themselves are
// tested against their oracles in tests/kernels/.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "workloads/calibrate.h"
#include "workloads/errors.h"
#include "workloads/golden_engine.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads {
namespace {

using kernels::IntTensor;
using kernels::QuantParams;

// input 1x4x4 -> conv 3x3 pad 1 (2 out channels, relu) -> maxpool 2x2 -> fc (3 classes).
// Scales are powers of two so every product is exact and the expected values below can be
// computed with plain integer arithmetic.
Graph tiny_graph() {
  Graph g;
  g.name = "tiny";
  g.num_classes = 3;
  Layer in;
  in.name = "input";
  in.output_shape = {1, 4, 4};
  in.output_q = QuantParams::uniform(8, false, 1.0f, 0);
  g.layers.push_back(in);

  Layer conv;
  conv.name = "conv";
  conv.kind = OpKind::Conv;
  conv.inputs = {0};
  conv.out_channels = 2;
  conv.geometry.kernel_h = conv.geometry.kernel_w = 3;
  conv.geometry.pad_top = conv.geometry.pad_left = conv.geometry.pad_bottom =
      conv.geometry.pad_right = 1;
  conv.activation = kernels::Activation::Relu;
  conv.weight_q = QuantParams::uniform_per_channel(4, {0.25f, 0.5f});
  std::vector<int32_t> w(2 * 9);
  for (int k = 0; k < 18; ++k) w[k] = (k * 5) % 15 - 7;  // spans [-7, 7]
  conv.weights = IntTensor({2, 1, 3, 3}, w);
  conv.bias = {4, -8};
  conv.output_q = QuantParams::uniform(8, false, 2.0f, 0);
  g.layers.push_back(conv);

  Layer pool;
  pool.name = "pool";
  pool.kind = OpKind::MaxPool;
  pool.inputs = {1};
  pool.geometry.kernel_h = pool.geometry.kernel_w = 2;
  pool.geometry.stride_h = pool.geometry.stride_w = 2;
  pool.output_q = conv.output_q;
  g.layers.push_back(pool);

  Layer fc;
  fc.name = "fc";
  fc.kind = OpKind::FullyConnected;
  fc.inputs = {2};
  fc.out_channels = 3;
  fc.weight_q = QuantParams::uniform(8, true, 0.125f, 0);
  std::vector<int32_t> fw(3 * 8);
  for (int k = 0; k < 24; ++k) fw[k] = (k * 7) % 11 - 5;
  fc.weights = IntTensor({3, 8}, fw);
  fc.bias = {0, 16, -16};
  fc.output_q = QuantParams::uniform(8, true, 1.0f, 0);
  g.layers.push_back(fc);
  return g;
}

int32_t round_half_even(double v) {
  return static_cast<int32_t>(std::nearbyint(v));
}

TEST(GoldenEngine, HandComputedChain) {
  const Graph g = tiny_graph();
  std::vector<int32_t> x(16);
  for (int k = 0; k < 16; ++k) x[k] = (k * 37) % 50;
  GoldenEngine engine(g);
  const auto out = engine.run_all(IntTensor({1, 1, 4, 4}, x));

  // conv: acc = bias + sum x*w over the 3x3 window (zero padding); y = relu(round(acc*s_w/2)).
  std::vector<int32_t> conv(2 * 16);
  for (int oc = 0; oc < 2; ++oc)
    for (int y = 0; y < 4; ++y)
      for (int xx = 0; xx < 4; ++xx) {
        int64_t acc = g.layers[1].bias[oc];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = y + ky - 1, ix = xx + kx - 1;
            if (iy < 0 || iy >= 4 || ix < 0 || ix >= 4) continue;
            acc += int64_t{x[iy * 4 + ix]} * g.layers[1].weights[oc * 9 + ky * 3 + kx];
          }
        const double real = acc * 1.0 * g.layers[1].weight_q.scale[oc];
        conv[oc * 16 + y * 4 + xx] = std::clamp(round_half_even(real / 2.0), 0, 255);
      }
  EXPECT_EQ(out[1].values(), conv);

  std::vector<int32_t> pooled(2 * 4);
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 2; ++y)
      for (int xx = 0; xx < 2; ++xx) {
        int32_t m = 0;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            m = std::max(m, conv[c * 16 + (2 * y + dy) * 4 + 2 * xx + dx]);
        pooled[c * 4 + y * 2 + xx] = m;
      }
  EXPECT_EQ(out[2].values(), pooled);

  std::vector<int32_t> logits(3);
  for (int o = 0; o < 3; ++o) {
    int64_t acc = g.layers[3].bias[o];
    for (int k = 0; k < 8; ++k) acc += int64_t{pooled[k]} * g.layers[3].weights[o * 8 + k];
    logits[o] = std::clamp(round_half_even(acc * 2.0 * 0.125), -128, 127);
  }
  EXPECT_EQ(out[3].values(), logits);
  EXPECT_EQ(out[3].dims(), (kernels::Dims{1, 3, 1, 1}));
}

Graph small_resnet() {
  ZooOptions o;
  o.input_channels = 3;
  o.input_height = o.input_width = 16;
  o.weight_bits = 4;
  o.seed = 11;
  return make_zoo_model("resnet8", o, true);
}

IntTensor random_input(const Graph& g, int n, uint32_t seed) {
  const Shape3 s = g.input().output_shape;
  std::mt19937 rng(seed);
  IntTensor x({n, s.c, s.h, s.w});
  const int32_t lo = g.input().output_q.qmin(), hi = g.input().output_q.qmax();
  for (int64_t k = 0; k < x.size(); ++k) x[k] = lo + static_cast<int32_t>(rng() % (hi - lo + 1));
  return x;
}

TEST(GoldenEngine, RunEqualsLastOfRunAllAndBatchingChangesNothing) {
  Graph g = small_resnet();
  const IntTensor x = random_input(g, 4, 3);
  calibrate_activation_scales(g, x);
  GoldenEngine engine(g);
  const IntTensor batched = engine.run(x);
  EXPECT_EQ(batched, engine.run_all(x).back());
  const int64_t per = x.size() / 4, classes = batched.size() / 4;
  for (int b = 0; b < 4; ++b) {
    const std::vector<int32_t> one(x.values().begin() + b * per,
                                   x.values().begin() + (b + 1) * per);
    const IntTensor single = engine.run(IntTensor({1, x.dim(1), x.dim(2), x.dim(3)}, one));
    const std::vector<int32_t> want(batched.values().begin() + b * classes,
                                    batched.values().begin() + (b + 1) * classes);
    EXPECT_EQ(single.values(), want) << "image " << b;
  }
}

TEST(GoldenEngine, SameSeedSameOutputs) {
  Graph a = small_resnet(), b = small_resnet();
  const IntTensor x = random_input(a, 2, 5);
  calibrate_activation_scales(a, x);
  calibrate_activation_scales(b, x);
  EXPECT_EQ(GoldenEngine(a).run_all(x), GoldenEngine(b).run_all(x));
}

TEST(GoldenEngine, RefusesInputOfWrongShapeOrRange) {
  const Graph g = tiny_graph();
  GoldenEngine engine(g);
  EXPECT_THROW(engine.run(IntTensor({1, 1, 4, 5})), InputError);
  EXPECT_THROW(engine.run(IntTensor({1, 2, 4, 4})), InputError);
  EXPECT_THROW(engine.run(IntTensor({1, 1, 4, 4}, 256)), InputError);
  EXPECT_THROW(engine.run(IntTensor({1, 1, 4, 4}, -1)), InputError);
}

TEST(GoldenEngine, RefusesShapeOnlyGraph) {
  ZooOptions o;
  EXPECT_THROW(GoldenEngine(make_zoo_model("lenet5", o, false)), InputError);
}

// gemmlowp's two roundings and ONNX's single half-to-even rounding of the same real
// product can differ by at most one unit on an isolated layer.
TEST(GoldenEngine, GemmlowpDiffersFromOnnxByAtMostOneOnFirstLayer) {
  Graph g = small_resnet();
  const IntTensor x = random_input(g, 2, 9);
  calibrate_activation_scales(g, x);
  kernels::Numerics gl = g.numerics;
  gl.requant = kernels::RequantMode::Gemmlowp;
  const auto a = GoldenEngine(g).run_all(x);
  const auto b = GoldenEngine(g, gl).run_all(x);
  ASSERT_EQ(a[1].size(), b[1].size());
  for (int64_t k = 0; k < a[1].size(); ++k) EXPECT_LE(std::abs(a[1][k] - b[1][k]), 1) << k;
}

// Calibration maps each layer's largest real output onto the top of its integer range:
// a ReLU conv's largest output on the calibration images is then exactly qmax.
TEST(Calibration, PeakOfEachReluConvLandsOnQmax) {
  Graph g = small_resnet();
  const IntTensor x = random_input(g, 4, 21);
  calibrate_activation_scales(g, x);
  const auto out = GoldenEngine(g).run_all(x);
  int checked = 0;
  for (size_t i = 1; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    if (l.kind != OpKind::Conv || l.activation != kernels::Activation::Relu || l.fixed_weights)
      continue;
    const int32_t top = *std::max_element(out[i].values().begin(), out[i].values().end());
    EXPECT_EQ(top, l.output_q.qmax()) << l.name;
    ++checked;
  }
  EXPECT_GT(checked, 3);
}

}  // namespace
}  // namespace qasim::workloads

namespace qasim::workloads {
namespace {

// A W1A1 network: every binary layer's output holds only -1 and +1 (sign(0) = +1, never
// 0), the global pool after them is multi-bit again, and the logits vary with the input.
TEST(GoldenEngine, BinaryNetworkProducesSigns) {
  ZooOptions o;
  o.input_channels = 3;
  o.input_height = o.input_width = 16;
  o.weight_bits = 1;
  o.activation_bits = 1;
  o.weight_scheme = kernels::Scheme::Binary;
  Graph g = make_zoo_model("resnet8", o, true);
  const IntTensor x = random_input(g, 4, 17);
  calibrate_activation_scales(g, x);
  const auto out = GoldenEngine(g).run_all(x);
  int binary_layers = 0;
  for (size_t i = 1; i < g.layers.size(); ++i) {
    if (g.layers[i].output_q.scheme != kernels::Scheme::Binary) continue;
    ++binary_layers;
    for (int32_t v : out[i].values())
      ASSERT_TRUE(v == 1 || v == -1) << g.layers[i].name << " " << v;
  }
  EXPECT_GT(binary_layers, 5);
  const IntTensor& logits = out.back();
  const int64_t classes = logits.size() / 4;
  EXPECT_NE(std::vector<int32_t>(logits.values().begin(), logits.values().begin() + classes),
            std::vector<int32_t>(logits.values().begin() + classes,
                                 logits.values().begin() + 2 * classes));
}

}  // namespace
}  // namespace qasim::workloads
