// The exact inference kernels on the GPU against the golden reference, bit for bit
// (conv2d_accumulate / fc_accumulate, apply_overflow, Requantizer): int8 dp4a paths (signed,
// unsigned, zero-point corrected), binary XNOR/popcount, every requantization mode. Skipped
// without a GPU; the same per-output code is checked on the host by
// tests/kernels/cuda_exact_conv_test.cpp.
#include <random>
#include <vector>

#include "kernels/cuda/exact_conv.h"
#include "kernels/ops.h"
#include "tests/gpu/gpu_support.h"
#include "tests/kernels/random_int_tensors.h"
#include "workloads/exact_engine.h"
#include "workloads/golden_engine.h"
#include "workloads/onnx/onnx_import.h"

namespace qasim::kernels::cuda {
namespace {

using test::random_pm1;
using test::random_tensor;

struct Case {
  const char* name;
  int64_t n, c, h, w, oc;
  ConvGeometry g;
  QuantParams xq, wq, out;
  RequantMode mode;
  ExactPath path;
};

ConvGeometry conv3x3(int stride, int groups = 1) {
  ConvGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1;
  g.groups = groups;
  return g;
}

TEST(GpuExactKernels, ConvolutionsEqualTheGoldenReference) {
  QASIM_REQUIRE_GPU();
  const QuantParams u8 = QuantParams::uniform(8, false, 0.05f, 0);
  const QuantParams s8 = QuantParams::uniform(8, true, 0.01f, 0);
  const QuantParams bin = QuantParams::binary({1.f});
  const std::vector<Case> cases = {
      {"u8 onnx", 4, 16, 12, 12, 24, conv3x3(1), u8, s8, QuantParams::uniform(8, false, 0.2f, 0),
       RequantMode::OnnxFloat, ExactPath::Int8Unsigned},
      {"s8 gemmlowp stride 2 groups 2", 3, 12, 11, 9, 8, conv3x3(2, 2),
       QuantParams::uniform(8, true, 0.05f, 3), QuantParams::uniform(4, true, 0.1f, 0),
       QuantParams::uniform(8, true, 0.3f, -5), RequantMode::Gemmlowp, ExactPath::Int8Signed},
      {"u8 zp 37 mulshift", 2, 7, 8, 8, 5, conv3x3(1), QuantParams::uniform(8, false, 0.02f, 37),
       s8, QuantParams::uniform(8, false, 0.1f, 0), RequantMode::MulShift, ExactPath::Int8Unsigned},
      {"binary 70 channels", 3, 70, 9, 9, 16, conv3x3(1), bin,
       QuantParams::binary(std::vector<float>(16, 0.5f)), bin, RequantMode::OnnxFloat,
       ExactPath::Binary},
      {"binary 128 channels to int8", 2, 128, 6, 6, 8, conv3x3(2), bin,
       QuantParams::binary(std::vector<float>(8, 0.25f)), QuantParams::uniform(8, true, 0.5f, 0),
       RequantMode::Gemmlowp, ExactPath::Binary},
  };
  std::mt19937 rng(21);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Dims xd = {c.n, c.c, c.h, c.w}, wd = {c.oc, c.c / c.g.groups, 3, 3};
    const IntTensor x = c.xq.scheme == Scheme::Binary
                            ? random_pm1(xd, rng)
                            : random_tensor(xd, c.xq.qmin(), c.xq.qmax(), rng);
    const IntTensor w = c.wq.scheme == Scheme::Binary
                            ? random_pm1(wd, rng)
                            : random_tensor(wd, c.wq.qmin(), c.wq.qmax(), rng);
    const std::vector<int32_t> bias = random_tensor({c.oc}, -1000, 1000, rng).values();
    Numerics numerics;
    numerics.requant = c.mode;
    const auto [lo, hi] = activation_bounds(Activation::None, c.out);
    AccTensor acc = conv2d_accumulate(x, c.xq, w, c.wq, bias, c.g);
    apply_overflow(acc, numerics.accumulator);
    const IntTensor want =
        Requantizer(numerics, c.xq.scale[0], c.wq.scale, c.out, lo, hi).apply(acc);
    const ExactConvPlanResult r =
        plan_exact_conv(c.c, c.h, c.w, c.xq, w, c.wq, bias, c.g, numerics, c.out, lo, hi);
    ASSERT_TRUE(r.plan) << r.reason;
    EXPECT_EQ(r.plan->path, c.path);
    const IntTensor got = run_exact_conv_cuda(*r.plan, x);
    ASSERT_EQ(got.dims(), want.dims());
    const Mismatch m = compare(got, want);
    EXPECT_EQ(m.differing, 0) << "of " << m.total << ", max diff " << m.max_abs_diff;
  }
}

TEST(GpuExactKernels, FullyConnectedEqualsTheGoldenReference) {
  QASIM_REQUIRE_GPU();
  std::mt19937 rng(22);
  const int64_t n = 64, k = 300, oc = 10;
  const QuantParams xq = QuantParams::uniform(8, false, 0.04f, 5);
  const QuantParams wq = QuantParams::uniform_per_channel(8, std::vector<float>(oc, 0.02f));
  const QuantParams out = QuantParams::uniform(8, true, 0.3f, -4);
  const IntTensor x = random_tensor({n, k}, 0, 255, rng);
  const IntTensor w = random_tensor({oc, k}, -128, 127, rng);
  const std::vector<int32_t> bias = random_tensor({oc}, -500, 500, rng).values();
  Numerics numerics;
  AccTensor acc = fc_accumulate(x, xq, w, wq, bias);
  apply_overflow(acc, numerics.accumulator);
  const IntTensor want = Requantizer(numerics, xq.scale[0], wq.scale, out, -128, 127).apply(acc);
  const ExactConvPlanResult r = plan_exact_fc(k, xq, w, wq, bias, numerics, out, -128, 127);
  ASSERT_TRUE(r.plan) << r.reason;
  EXPECT_EQ(run_exact_conv_cuda(*r.plan, x).values(), want.values());
}

// Whole trained networks (W8A8, and W1A1 with XNOR/popcount layers) on the GPU: the same
// logits as the golden engine for a batch of random images.
TEST(GpuExactKernels, TrainedModelsEqualTheGoldenEngine) {
  QASIM_REQUIRE_GPU();
  for (const char* name : {"w8a8", "w1a1"}) {
    SCOPED_TRACE(name);
    const workloads::Graph g = workloads::import_onnx(
        std::string(QASIM_SOURCE_DIR) + "/configs/trained/resnet20-fmnist/" + name + ".onnx");
    const workloads::Shape3 s = g.input().output_shape;
    std::mt19937 rng(23);
    const IntTensor x = random_tensor({16, s.c, s.h, s.w}, g.input().output_q.qmin(),
                                      g.input().output_q.qmax(), rng);
    workloads::ExactEngine exact(g, workloads::ExactDevice::Cuda);
    EXPECT_EQ(exact.run(x), workloads::GoldenEngine(g).run(x));
  }
}

}  // namespace
}  // namespace qasim::kernels::cuda
