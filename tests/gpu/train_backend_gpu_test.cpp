// The CUDA training backend against the CPU one: every Backend operation on the same inputs
// within float tolerance (products and sums add in another order on the GPU), and a short
// training run whose loss curve follows the CPU's. Skipped without a GPU; the per-element
// functions of these kernels are checked on the host by tests/kernels/cuda_train_math_test.cpp.
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "tests/gpu/gpu_support.h"
#include "workloads/datasets/dataset.h"
#include "workloads/errors.h"
#include "workloads/train/backend.h"
#include "workloads/train/trainer.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads::train {
namespace {

std::vector<float> random_floats(int64_t n, std::mt19937& rng) {
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

void expect_close(const std::vector<float>& gpu, const std::vector<float>& cpu, float tol,
                  const char* what) {
  ASSERT_EQ(gpu.size(), cpu.size()) << what;
  for (size_t i = 0; i < gpu.size(); ++i)
    ASSERT_NEAR(gpu[i], cpu[i], tol * (1.f + std::fabs(cpu[i]))) << what << " at " << i;
}

struct Pair {
  std::unique_ptr<Backend> cpu = make_cpu_backend();
  std::unique_ptr<Backend> gpu = make_cuda_backend();
};

TEST(GpuTrainBackend, ConvolutionsMatchTheCpu) {
  QASIM_REQUIRE_GPU();
  Pair b;
  std::mt19937 rng(41);
  for (int groups : {1, 2}) {
    Backend::ConvDims d;
    d.batch = 4, d.in_c = 8, d.in_h = 10, d.in_w = 9, d.out_c = 6;
    d.geometry.kernel_h = d.geometry.kernel_w = 3;
    d.geometry.stride_h = d.geometry.stride_w = 2;
    d.geometry.pad_top = d.geometry.pad_left = d.geometry.pad_bottom = d.geometry.pad_right = 1;
    d.geometry.groups = groups;
    const auto x = random_floats(d.input_size(), rng), w = random_floats(d.weight_size(), rng);
    const auto bias = random_floats(d.out_c, rng), dy = random_floats(d.output_size(), rng);
    std::vector<float> yc(d.output_size()), yg(yc.size());
    b.cpu->conv_forward(d, x.data(), w.data(), bias.data(), yc.data());
    b.gpu->conv_forward(d, x.data(), w.data(), bias.data(), yg.data());
    expect_close(yg, yc, 1e-4f, "conv forward");
    std::vector<float> dxc(d.input_size()), dxg(dxc.size());
    b.cpu->conv_backward_data(d, dy.data(), w.data(), dxc.data());
    b.gpu->conv_backward_data(d, dy.data(), w.data(), dxg.data());
    expect_close(dxg, dxc, 1e-4f, "conv backward data");
    std::vector<float> dwc(d.weight_size(), 0.5f), dwg = dwc, dbc(d.out_c, 0.25f), dbg = dbc;
    b.cpu->conv_backward_weights(d, x.data(), dy.data(), dwc.data(), dbc.data());
    b.gpu->conv_backward_weights(d, x.data(), dy.data(), dwg.data(), dbg.data());
    expect_close(dwg, dwc, 1e-4f, "conv backward weights (accumulated)");
    expect_close(dbg, dbc, 1e-4f, "conv backward bias (accumulated)");
  }
}

TEST(GpuTrainBackend, FullyConnectedBatchNormPoolingActivationsMatchTheCpu) {
  QASIM_REQUIRE_GPU();
  Pair b;
  std::mt19937 rng(42);
  const int64_t k = 30, n = 16, oc = 7;
  const auto x = random_floats(k * n, rng), w = random_floats(oc * k, rng);
  const auto bias = random_floats(oc, rng), dy = random_floats(oc * n, rng);
  std::vector<float> yc(oc * n), yg(yc.size());
  b.cpu->fc_forward(k, n, oc, x.data(), w.data(), bias.data(), yc.data());
  b.gpu->fc_forward(k, n, oc, x.data(), w.data(), bias.data(), yg.data());
  expect_close(yg, yc, 1e-4f, "fc forward");
  std::vector<float> dxc(k * n), dxg(k * n), dwc(oc * k, 1.f), dwg = dwc, dbc(oc, 0.f), dbg = dbc;
  b.cpu->fc_backward(k, n, oc, x.data(), w.data(), dy.data(), dxc.data(), dwc.data(), dbc.data());
  b.gpu->fc_backward(k, n, oc, x.data(), w.data(), dy.data(), dxg.data(), dwg.data(), dbg.data());
  expect_close(dxg, dxc, 1e-4f, "fc dx");
  expect_close(dwg, dwc, 1e-4f, "fc dw");
  expect_close(dbg, dbc, 1e-4f, "fc dbias");

  Backend::BatchNormDims bd;
  bd.channels = 5, bd.count = 777;
  const int64_t m = bd.channels * bd.count;
  const auto bx = random_floats(m, rng), bdy = random_floats(m, rng);
  const auto gamma = random_floats(bd.channels, rng), beta = random_floats(bd.channels, rng);
  std::vector<float> by[2], hat[2], istd[2], rmean[2], rvar[2], bdx[2], dg[2], db[2];
  Backend* backends[2] = {b.cpu.get(), b.gpu.get()};
  for (int i = 0; i < 2; ++i) {
    by[i].resize(m), hat[i].resize(m), istd[i].resize(bd.channels), bdx[i].resize(m);
    rmean[i].assign(bd.channels, 0.1f), rvar[i].assign(bd.channels, 0.9f);
    dg[i].assign(bd.channels, 0.f), db[i].assign(bd.channels, 0.f);
    backends[i]->batchnorm_forward_train(bd, bx.data(), gamma.data(), beta.data(), by[i].data(),
                                         hat[i].data(), istd[i].data(), rmean[i].data(),
                                         rvar[i].data());
    backends[i]->batchnorm_backward(bd, bdy.data(), hat[i].data(), gamma.data(), istd[i].data(),
                                    bdx[i].data(), dg[i].data(), db[i].data());
  }
  expect_close(by[1], by[0], 1e-5f, "bn y");
  expect_close(istd[1], istd[0], 1e-6f, "bn inv_std");
  expect_close(rmean[1], rmean[0], 1e-6f, "bn running mean");
  expect_close(rvar[1], rvar[0], 1e-6f, "bn running var");
  expect_close(bdx[1], bdx[0], 1e-4f, "bn dx");
  expect_close(dg[1], dg[0], 1e-4f, "bn dgamma");
  expect_close(db[1], db[0], 1e-4f, "bn dbeta");
  for (int i = 0; i < 2; ++i)
    backends[i]->batchnorm_forward_eval(bd, bx.data(), gamma.data(), beta.data(), rmean[0].data(),
                                        rvar[0].data(), by[i].data());
  expect_close(by[1], by[0], 1e-6f, "bn eval");

  // Pooling and activations run the same operations in the same order: bit for bit.
  Backend::PoolDims pd;
  pd.planes = 6, pd.in_h = 8, pd.in_w = 8;
  pd.geometry.kernel_h = pd.geometry.kernel_w = 3;
  pd.geometry.stride_h = pd.geometry.stride_w = 2;
  pd.geometry.pad_top = pd.geometry.pad_left = pd.geometry.pad_bottom = pd.geometry.pad_right = 1;
  const int64_t in = pd.planes * 64, out = pd.planes * pd.out_h() * pd.out_w();
  const auto px = random_floats(in, rng), pdy = random_floats(out, rng);
  std::vector<float> py[2], pdx[2];
  std::vector<int32_t> arg[2];
  for (int i = 0; i < 2; ++i) {
    py[i].resize(out), pdx[i].resize(in), arg[i].resize(out);
    backends[i]->max_pool_forward(pd, px.data(), py[i].data(), arg[i].data());
    backends[i]->max_pool_backward(pd, pdy.data(), arg[i].data(), pdx[i].data());
  }
  EXPECT_EQ(py[1], py[0]);
  EXPECT_EQ(arg[1], arg[0]);
  EXPECT_EQ(pdx[1], pdx[0]);
  for (int i = 0; i < 2; ++i) {
    backends[i]->avg_pool_forward(pd, false, px.data(), py[i].data());
    backends[i]->avg_pool_backward(pd, true, pdy.data(), pdx[i].data());
  }
  EXPECT_EQ(py[1], py[0]);
  EXPECT_EQ(pdx[1], pdx[0]);
  for (kernels::Activation act : {kernels::Activation::Relu, kernels::Activation::Relu6}) {
    for (int i = 0; i < 2; ++i) {
      backends[i]->activation_forward(act, 0.f, 0.f, in, px.data(), pdx[i].data());
      backends[i]->activation_backward(act, 0.f, 0.f, in, px.data(), px.data(), py[i].data());
    }
    EXPECT_EQ(pdx[1], pdx[0]);
  }
}

TEST(GpuTrainBackend, ShortTrainingFollowsTheCpuCurve) {
  QASIM_REQUIRE_GPU();
  ZooOptions o;
  o.input_channels = 1;
  o.input_height = o.input_width = 12;
  o.num_classes = 4;
  o.width_multiplier = 0.5;
  const Graph net = make_zoo_model("resnet8", o, false);
  const Dataset all = make_synthetic(640, 1, 12, 12, 4, 11);
  Dataset train = all, test = all;
  train.pixels.assign(all.image(0), all.image(512));
  train.labels.assign(all.labels.begin(), all.labels.begin() + 512);
  test.pixels.assign(all.image(512), all.image(640));
  test.labels.assign(all.labels.begin() + 512, all.labels.end());
  TrainConfig config;
  config.epochs = 2;
  config.batch = 32;
  config.optimizer.lr = 0.05;
  config.seed = 5;
  // Float training: quantizer grids would turn float-rounding differences into different
  // rounding decisions, which a short run amplifies; fp isolates the backends.
  const QuantConfig quant = parse_quant_spec("fp");
  std::vector<double> losses[2];
  Pair b;
  Backend* backends[2] = {b.cpu.get(), b.gpu.get()};
  for (int i = 0; i < 2; ++i) {
    Trainer t(net, quant, config, train, test, *backends[i], "fp");
    t.run("", nullptr, nullptr);
    for (const EpochRecord& r : t.curve()) losses[i].push_back(r.train_loss);
  }
  ASSERT_EQ(losses[0].size(), 2u);
  ASSERT_EQ(losses[1].size(), 2u);
  for (size_t e = 0; e < 2; ++e) EXPECT_NEAR(losses[1][e], losses[0][e], 1e-3 * (1 + losses[0][e]));
}

TEST(GpuTrainBackend, AutoPicksCudaWhenADeviceIsPresent) {
  QASIM_REQUIRE_GPU();
  EXPECT_EQ(make_backend("auto")->name().rfind("cuda", 0), 0u);
  EXPECT_NE(describe_device_choice("auto").find("cuda"), std::string::npos);
}

// Runs everywhere: without a device, auto falls back to the CPU and cuda is refused (exit 2
// in the CLI) with the reason.
TEST(GpuTrainBackend, WithoutADeviceAutoIsTheCpuAndCudaIsRefused) {
  if (kernels::cuda::device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_EQ(make_backend("auto")->name().rfind("cpu", 0), 0u);
  EXPECT_NE(describe_device_choice("auto").find("device auto: cpu"), std::string::npos);
  try {
    make_backend("cuda");
    FAIL() << "make_backend(\"cuda\") without a device";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qasim::workloads::train
