// ExactEngine (workloads/exact_engine.h) in host emulation, i.e. the CUDA kernels' own
// per-output code on the CPU, against GoldenEngine::run, bit for bit, on whole networks: a
// random-weight W8A8 ResNet and the committed trained ResNet-20 models (W8A8 and the XNOR/BNN
// W1A1, whose binary layers take the XNOR/popcount path). tests/gpu runs the same on a GPU.
#include <gtest/gtest.h>

#include <random>

#include "workloads/errors.h"
#include "workloads/exact_engine.h"
#include "workloads/golden_engine.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads {
namespace {

namespace kc = kernels::cuda;

kernels::IntTensor random_input(const Graph& g, int n, uint32_t seed) {
  const Shape3 s = g.input().output_shape;
  std::mt19937 rng(seed);
  kernels::IntTensor x({n, s.c, s.h, s.w});
  const int64_t lo = g.input().output_q.qmin(), hi = g.input().output_q.qmax();
  for (int32_t& v : x.values()) v = static_cast<int32_t>(lo + rng() % (hi - lo + 1));
  return x;
}

int weighted_layers(const Graph& g) {
  int n = 0;
  for (const Layer& l : g.layers) n += l.kind == OpKind::Conv || l.kind == OpKind::FullyConnected;
  return n;
}

TEST(ExactEngine, RandomResNetEqualsTheGoldenEngine) {
  ZooOptions o;
  o.input_height = o.input_width = 16;
  o.num_classes = 10;
  const Graph g = make_zoo_model("resnet8", o, true);
  ExactEngine exact(g, ExactDevice::HostEmulation);
  EXPECT_EQ(exact.gpu_layers(), weighted_layers(g));
  EXPECT_TRUE(exact.cpu_layers().empty());
  const kernels::IntTensor x = random_input(g, 2, 3);
  EXPECT_EQ(exact.run(x), GoldenEngine(g).run(x));
}

TEST(ExactEngine, TrainedModelsEqualTheGoldenEngine) {
  for (const char* name : {"w8a8", "w1a1"}) {
    SCOPED_TRACE(name);
    const Graph g = import_onnx(std::string(QASIM_SOURCE_DIR) +
                                "/configs/trained/resnet20-fmnist/" + name + ".onnx");
    ExactEngine exact(g, ExactDevice::HostEmulation);
    EXPECT_GT(exact.gpu_layers(), 0);
    if (std::string(name) == "w1a1") {
      EXPECT_GT(exact.gpu_layers(kc::ExactPath::Binary), 0);
    }
    for (const std::string& why : exact.cpu_layers()) ADD_FAILURE() << "on the CPU: " << why;
    const kernels::IntTensor x = random_input(g, 1, 4);
    EXPECT_EQ(exact.run(x), GoldenEngine(g).run(x));
  }
}

TEST(ExactEngine, RefusesInputsOutsideTheModelsRange) {
  ZooOptions o;
  o.input_height = o.input_width = 16;
  o.num_classes = 10;
  const Graph g = make_zoo_model("resnet8", o, true);
  ExactEngine exact(g, ExactDevice::HostEmulation);
  kernels::IntTensor x = random_input(g, 1, 5);
  x[0] = 1000;
  EXPECT_THROW(exact.run(x), InputError);
}

}  // namespace
}  // namespace qasim::workloads
