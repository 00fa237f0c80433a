// Float training kernels: every backward pass against central finite differences in double
// precision, and forward and backward against PyTorch autograd (float64) as an independent
// oracle (skipped when /usr/bin/python3 lacks torch).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/train/batchnorm.h"
#include "kernels/train/conv.h"
#include "kernels/train/conv_onednn.h"
#include "kernels/train/loss.h"
#include "kernels/train/pool.h"
#include "oracles/oracle.h"

namespace qasim::kernels::train {
namespace {

using Vec = std::vector<double>;

Vec random_vec(int64_t n, std::mt19937& rng, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> d(lo, hi);
  Vec v(static_cast<size_t>(n));
  for (double& x : v) x = d(rng);
  return v;
}

// Central differences of the scalar loss(v) with respect to every element of v.
Vec numeric_gradient(Vec& v, const std::function<double()>& loss, double h = 1e-6) {
  Vec g(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const double keep = v[i];
    v[i] = keep + h;
    const double up = loss();
    v[i] = keep - h;
    const double down = loss();
    v[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

void expect_close(const Vec& got, const Vec& want, double tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1 + std::abs(want[i]))) << what << " element " << i;
}

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

struct ConvCase {
  int64_t n, c, h, w, oc;
  ConvGeometry g;
};

ConvGeometry geo(int k, int s, int pad, int groups = 1, int dil = 1) {
  ConvGeometry g;
  g.kernel_h = g.kernel_w = k;
  g.stride_h = g.stride_w = s;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  g.groups = groups;
  g.dilation_h = g.dilation_w = dil;
  return g;
}

std::vector<ConvCase> conv_cases() {
  ConvGeometry asym = geo(3, 2, 0);
  asym.kernel_w = 2;
  asym.pad_top = 1, asym.pad_right = 2, asym.stride_w = 1;
  return {
      {2, 3, 5, 5, 4, geo(3, 1, 1)},        // ResNet's 3x3
      {2, 4, 6, 5, 6, geo(3, 2, 1, 2)},     // grouped, strided
      {1, 4, 5, 5, 4, geo(3, 1, 1, 4)},     // depthwise
      {3, 3, 4, 4, 5, geo(1, 1, 0)},        // pointwise (no unfolding)
      {2, 2, 7, 6, 3, asym},                // asymmetric kernel, padding and strides
      {1, 2, 7, 7, 2, geo(3, 1, 2, 1, 2)},  // dilated
  };
}

TEST(TrainConv, BackwardMatchesFiniteDifferences) {
  std::mt19937 rng(3);
  for (const ConvCase& cc : conv_cases()) {
    const ConvDims d{cc.n, cc.c, cc.h, cc.w, cc.oc, cc.g};
    Vec x = random_vec(d.input_size(), rng), w = random_vec(d.weight_size(), rng),
        b = random_vec(d.out_c, rng), r = random_vec(d.output_size(), rng);
    std::vector<double> scratch;
    Vec y(static_cast<size_t>(d.output_size()));
    auto loss = [&] {
      conv_forward(d, x.data(), w.data(), b.data(), y.data(), scratch);
      return dot(y, r);
    };
    Vec dx(x.size()), dw(w.size(), 0.0), db(b.size(), 0.0);
    conv_backward_data(d, r.data(), w.data(), dx.data(), scratch);
    conv_backward_weights(d, x.data(), r.data(), dw.data(), db.data(), scratch);
    const std::string what = "conv groups " + std::to_string(cc.g.groups);
    expect_close(dx, numeric_gradient(x, loss), 1e-6, what + " dx");
    expect_close(dw, numeric_gradient(w, loss), 1e-6, what + " dw");
    expect_close(db, numeric_gradient(b, loss), 1e-6, what + " db");
  }
}

TEST(TrainConv, FloatAgreesWithDouble) {
  std::mt19937 rng(4);
  const ConvDims d{4, 8, 9, 9, 16, geo(3, 2, 1)};
  const Vec x = random_vec(d.input_size(), rng), w = random_vec(d.weight_size(), rng);
  std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end()), yf(d.output_size());
  Vec y(static_cast<size_t>(d.output_size()));
  std::vector<double> sd;
  std::vector<float> sf;
  conv_forward<double>(d, x.data(), w.data(), nullptr, y.data(), sd);
  conv_forward<float>(d, xf.data(), wf.data(), nullptr, yf.data(), sf);
  expect_close(Vec(yf.begin(), yf.end()), y, 1e-5, "float conv");
}

TEST(TrainFc, BackwardMatchesFiniteDifferences) {
  std::mt19937 rng(5);
  const int64_t k = 7, n = 3, oc = 4;
  Vec x = random_vec(k * n, rng), w = random_vec(oc * k, rng), b = random_vec(oc, rng),
      r = random_vec(oc * n, rng), y(oc * n);
  auto loss = [&] {
    fc_forward(k, n, oc, x.data(), w.data(), b.data(), y.data());
    return dot(y, r);
  };
  Vec dx(x.size()), dw(w.size(), 0.0), db(b.size(), 0.0);
  fc_backward(k, n, oc, x.data(), w.data(), r.data(), dx.data(), dw.data(), db.data());
  expect_close(dx, numeric_gradient(x, loss), 1e-6, "fc dx");
  expect_close(dw, numeric_gradient(w, loss), 1e-6, "fc dw");
  expect_close(db, numeric_gradient(b, loss), 1e-6, "fc db");
}

TEST(TrainFc, FeatureLayoutIsPerSampleNchwFlatten) {
  // x CNHW [2 channels, 2 images, 1x2]: image b's NCHW flatten is (c0p0, c0p1, c1p0, c1p1).
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8};  // c0:(n0: 1 2, n1: 3 4), c1: ...
  std::vector<double> f(8), back(8);
  cnhw_to_features<double>(2, 2, 2, x.data(), f.data());
  EXPECT_EQ(f, (std::vector<double>{1, 3, 2, 4, 5, 7, 6, 8}));  // [K = 4, N = 2]
  features_to_cnhw<double>(2, 2, 2, f.data(), back.data());
  EXPECT_EQ(back, x);
}

TEST(TrainBatchNorm, BackwardMatchesFiniteDifferences) {
  std::mt19937 rng(6);
  const BatchNormDims d{3, 10, 1e-5, 0.1};
  Vec x = random_vec(30, rng), gamma = random_vec(3, rng, 0.5, 1.5), beta = random_vec(3, rng),
      r = random_vec(30, rng), y(30), xh(30), istd(3);
  auto loss = [&] {
    batchnorm_forward_train<double>(d, x.data(), gamma.data(), beta.data(), y.data(), xh.data(),
                                    istd.data(), nullptr, nullptr);
    return dot(y, r);
  };
  loss();
  Vec dx(30), dg(3, 0.0), dbeta(3, 0.0);
  batchnorm_backward<double>(d, r.data(), xh.data(), gamma.data(), istd.data(), dx.data(),
                             dg.data(), dbeta.data());
  expect_close(dx, numeric_gradient(x, loss), 1e-5, "bn dx");
  expect_close(dg, numeric_gradient(gamma, loss), 1e-6, "bn dgamma");
  expect_close(dbeta, numeric_gradient(beta, loss), 1e-6, "bn dbeta");
}

TEST(TrainBatchNorm, RunningStatsFollowPyTorchConvention) {
  const BatchNormDims d{1, 4, 0.0, 0.1};
  const Vec x = {1, 2, 3, 6}, gamma = {1}, beta = {0};
  Vec y(4), xh(4), istd(1), mean = {0}, var = {1};
  batchnorm_forward_train<double>(d, x.data(), gamma.data(), beta.data(), y.data(), xh.data(),
                                  istd.data(), mean.data(), var.data());
  // Batch mean 3, biased variance 3.5 normalizes, unbiased 14/3 enters the running var.
  EXPECT_DOUBLE_EQ(istd[0], 1 / std::sqrt(3.5));
  EXPECT_NEAR(mean[0], 0.9 * 0 + 0.1 * 3, 1e-15);
  EXPECT_NEAR(var[0], 0.9 * 1 + 0.1 * 14.0 / 3, 1e-15);
  Vec ye(4);
  batchnorm_forward_eval<double>(d, x.data(), gamma.data(), beta.data(), mean.data(), var.data(),
                                 ye.data());
  EXPECT_NEAR(ye[3], (6 - 0.3) / std::sqrt(var[0]), 1e-12);
}

PoolDims pool_dims(int64_t planes, int64_t h, int64_t w, ConvGeometry g) {
  g.groups = 1;
  return {planes, h, w, g};
}

TEST(TrainPool, BackwardMatchesFiniteDifferences) {
  std::mt19937 rng(7);
  for (const ConvGeometry& g : {geo(2, 2, 0), geo(3, 2, 1), geo(3, 1, 1)}) {
    const PoolDims d = pool_dims(3, 6, 5, g);
    const int64_t outs = d.planes * d.out_h() * d.out_w();
    Vec x = random_vec(d.planes * 30, rng), r = random_vec(outs, rng), y(outs);
    for (bool include_pad : {false, true}) {
      auto loss = [&] {
        avg_pool_forward(d, include_pad, x.data(), y.data());
        return dot(y, r);
      };
      Vec dx(x.size());
      avg_pool_backward(d, include_pad, r.data(), dx.data());
      expect_close(dx, numeric_gradient(x, loss), 1e-6, "avg pool dx");
    }
    std::vector<int32_t> arg(outs);
    auto loss = [&] {
      max_pool_forward(d, x.data(), y.data(), arg.data());
      return dot(y, r);
    };
    loss();
    Vec dx(x.size());
    max_pool_backward(d, r.data(), arg.data(), dx.data());
    // Random inputs have no ties, so the max is differentiable at x.
    expect_close(dx, numeric_gradient(x, loss), 1e-6, "max pool dx");
  }
}

TEST(TrainActivation, ForwardAndBackward) {
  const Vec x = {-2, -0.5, 0, 0.5, 3, 7}, dy = {1, 1, 1, 1, 1, 1};
  Vec y(6), dx(6);
  activation_forward<double>(Activation::Relu6, 0, 0, 6, x.data(), y.data());
  EXPECT_EQ(y, (Vec{0, 0, 0, 0.5, 3, 6}));
  activation_backward<double>(Activation::Relu6, 0, 0, 6, x.data(), dy.data(), dx.data());
  EXPECT_EQ(dx, (Vec{0, 0, 0, 1, 1, 0}));
  activation_forward<double>(Activation::Clip, -1, 1, 6, x.data(), y.data());
  EXPECT_EQ(y, (Vec{-1, -0.5, 0, 0.5, 1, 1}));
  activation_backward<double>(Activation::Clip, -1, 1, 6, x.data(), dy.data(), dx.data());
  EXPECT_EQ(dx, (Vec{0, 1, 1, 1, 0, 0}));
  activation_backward<double>(Activation::Relu, 0, 0, 6, x.data(), dy.data(), dx.data());
  EXPECT_EQ(dx, (Vec{0, 0, 0, 1, 1, 1}));
}

TEST(TrainLoss, CrossEntropyGradientMatchesFiniteDifferences) {
  std::mt19937 rng(8);
  const int64_t k = 5, n = 4;
  Vec logits = random_vec(k * n, rng, -3, 3), d(k * n);
  const std::vector<int32_t> labels = {0, 4, 2, 2};
  int64_t correct = 0;
  softmax_cross_entropy<double>(k, n, logits.data(), labels.data(), d.data(), &correct);
  auto loss = [&] {
    return softmax_cross_entropy<double>(k, n, logits.data(), labels.data(), nullptr, nullptr);
  };
  expect_close(d, numeric_gradient(logits, loss), 1e-6, "xent dlogits");
}

// ---- PyTorch oracle ----

std::vector<Vec> run_train_oracle(const std::string& input) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem =
      "qasim_train_oracle_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto in_path = dir / (stem + ".in"), out_path = dir / (stem + ".out");
  std::ofstream(in_path) << input;
  const std::string cmd = std::string("/usr/bin/python3 ") + QASIM_SOURCE_DIR +
                          "/tests/kernels/oracles/train_oracle.py < " + in_path.string() + " > " +
                          out_path.string();
  const int rc = std::system(cmd.c_str());
  std::vector<Vec> lines;
  std::ifstream out(out_path);
  for (std::string line; std::getline(out, line);) {
    std::istringstream fields(line);
    lines.emplace_back();
    for (double v; fields >> v;) lines.back().push_back(v);
  }
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  EXPECT_EQ(rc, 0) << cmd;
  return lines;
}

std::string section(const std::vector<float>& v) {
  std::ostringstream s;
  s.precision(9);
  s << " |";
  for (float x : v) s << ' ' << x;
  return s.str();
}

std::vector<float> random_floats(int64_t n, std::mt19937& rng, float lo = -1, float hi = 1) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

void expect_close_f(const std::vector<float>& got, const Vec& want, double tol,
                    const std::string& what) {
  expect_close(Vec(got.begin(), got.end()), want, tol, what);
}

TEST(TrainKernels, MatchPyTorch) {
  if (!test::python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  std::mt19937 rng(9);
  std::ostringstream in;
  struct ConvRun {
    ConvDims d;
    std::vector<float> y, dx, dw, db;
  };
  std::vector<ConvRun> convs;
  for (const ConvCase& cc : conv_cases()) {
    ConvRun run{{cc.n, cc.c, cc.h, cc.w, cc.oc, cc.g}, {}, {}, {}, {}};
    const ConvDims& d = run.d;
    const auto x = random_floats(d.input_size(), rng), w = random_floats(d.weight_size(), rng),
               b = random_floats(d.out_c, rng), r = random_floats(d.output_size(), rng);
    std::vector<float> scratch;
    run.y.resize(d.output_size());
    run.dx.resize(x.size());
    run.dw.assign(w.size(), 0.f);
    run.db.assign(b.size(), 0.f);
    conv_forward(d, x.data(), w.data(), b.data(), run.y.data(), scratch);
    conv_backward_data(d, r.data(), w.data(), run.dx.data(), scratch);
    conv_backward_weights(d, x.data(), r.data(), run.dw.data(), run.db.data(), scratch);
    const ConvGeometry& g = cc.g;
    in << "conv " << cc.n << ' ' << cc.c << ' ' << cc.h << ' ' << cc.w << ' ' << cc.oc << ' '
       << g.kernel_h << ' ' << g.kernel_w << ' ' << g.stride_h << ' ' << g.stride_w << ' '
       << g.pad_top << ' ' << g.pad_left << ' ' << g.pad_bottom << ' ' << g.pad_right << ' '
       << g.dilation_h << ' ' << g.dilation_w << ' ' << g.groups << section(x) << section(w)
       << section(b) << section(r) << '\n';
    convs.push_back(std::move(run));
  }
  // Batch norm over C=3 channels of N=4 images 3x2.
  const BatchNormDims bd{3, 24, 1e-5, 0.1};
  const auto bx = random_floats(72, rng, -2, 3), gamma = random_floats(3, rng, 0.5, 1.5),
             beta = random_floats(3, rng), br = random_floats(72, rng);
  std::vector<float> by(72), bxh(72), bistd(3), bdx(72), bdg(3, 0.f), bdb(3, 0.f);
  batchnorm_forward_train<float>(bd, bx.data(), gamma.data(), beta.data(), by.data(), bxh.data(),
                                 bistd.data(), nullptr, nullptr);
  batchnorm_backward<float>(bd, br.data(), bxh.data(), gamma.data(), bistd.data(), bdx.data(),
                            bdg.data(), bdb.data());
  in << "bn 3 4 3 2 1e-5" << section(bx) << section(gamma) << section(beta) << section(br) << '\n';
  // Pools: C=2, N=3, 7x6, 3x3 stride 2 pad 1.
  const PoolDims pd = pool_dims(6, 7, 6, geo(3, 2, 1));
  const int64_t pouts = pd.planes * pd.out_h() * pd.out_w();
  const auto px = random_floats(6 * 42, rng), pr = random_floats(pouts, rng);
  std::vector<float> mp_y(pouts), mp_dx(px.size()), ap_y(pouts), ap_dx(px.size());
  std::vector<int32_t> arg(pouts);
  max_pool_forward(pd, px.data(), mp_y.data(), arg.data());
  max_pool_backward(pd, pr.data(), arg.data(), mp_dx.data());
  avg_pool_forward(pd, false, px.data(), ap_y.data());
  avg_pool_backward(pd, false, pr.data(), ap_dx.data());
  in << "maxpool 2 3 7 6 3 3 2 2 1 1 1 1" << section(px) << section(pr) << '\n';
  in << "avgpool 2 3 7 6 3 3 2 2 1 1 1 1 0" << section(px) << section(pr) << '\n';
  // Cross-entropy: 10 classes, 6 samples.
  const auto logits = random_floats(60, rng, -4, 4);
  const std::vector<int32_t> labels = {3, 0, 9, 9, 5, 1};
  std::vector<float> dlogits(60);
  const double loss =
      softmax_cross_entropy<float>(10, 6, logits.data(), labels.data(), dlogits.data(), nullptr);
  in << "xent 10 6" << section(logits) << " | 3 0 9 9 5 1\n";

  const std::vector<Vec> out = run_train_oracle(in.str());
  ASSERT_EQ(out.size(), convs.size() * 4 + 4 + 2 + 2 + 2);
  size_t line = 0;
  for (const ConvRun& run : convs) {
    const std::string what = "conv groups " + std::to_string(run.d.geometry.groups);
    expect_close_f(run.y, out[line++], 1e-5, what + " y");
    expect_close_f(run.dx, out[line++], 1e-5, what + " dx");
    expect_close_f(run.dw, out[line++], 1e-5, what + " dw");
    expect_close_f(run.db, out[line++], 1e-5, what + " db");
  }
  expect_close_f(by, out[line++], 1e-5, "bn y");
  expect_close_f(bdx, out[line++], 1e-4, "bn dx");
  expect_close_f(bdg, out[line++], 1e-5, "bn dgamma");
  expect_close_f(bdb, out[line++], 1e-5, "bn dbeta");
  expect_close_f(mp_y, out[line++], 1e-6, "max pool y");
  expect_close_f(mp_dx, out[line++], 1e-6, "max pool dx");
  expect_close_f(ap_y, out[line++], 1e-6, "avg pool y");
  expect_close_f(ap_dx, out[line++], 1e-6, "avg pool dx");
  EXPECT_NEAR(loss, out[line++].at(0), 1e-6);
  expect_close_f(dlogits, out[line++], 1e-6, "xent dlogits");
}

}  // namespace
}  // namespace qasim::kernels::train

namespace qasim::kernels::train {
namespace {

// The oneDNN path (used for float when the build has it) and the im2col path compute the
// same convolutions: the PyTorch test above checks whichever runs, the finite-difference
// tests check im2col in double, and this ties the two float paths together.
TEST(TrainConv, OneDnnEqualsIm2col) {
  std::mt19937 rng(10);
  for (const ConvCase& cc : conv_cases()) {
    const ConvDims d{cc.n, cc.c, cc.h, cc.w, cc.oc, cc.g};
    const auto x = random_floats(d.input_size(), rng), w = random_floats(d.weight_size(), rng),
               b = random_floats(d.out_c, rng), r = random_floats(d.output_size(), rng);
    std::vector<float> y[2], dx[2], dw[2], db[2], scratch;
    for (int path = 0; path < 2; ++path) {
      set_onednn_conv_enabled(path == 0);
      y[path].resize(d.output_size());
      dx[path].resize(x.size());
      dw[path].assign(w.size(), 0.5f);  // accumulates onto what is there
      db[path].assign(b.size(), 0.5f);
      conv_forward(d, x.data(), w.data(), b.data(), y[path].data(), scratch);
      conv_backward_data(d, r.data(), w.data(), dx[path].data(), scratch);
      conv_backward_weights(d, x.data(), r.data(), dw[path].data(), db[path].data(), scratch);
    }
    set_onednn_conv_enabled(true);
    const std::string what = "groups " + std::to_string(cc.g.groups);
    expect_close_f(y[0], Vec(y[1].begin(), y[1].end()), 1e-5, what + " y");
    expect_close_f(dx[0], Vec(dx[1].begin(), dx[1].end()), 1e-5, what + " dx");
    expect_close_f(dw[0], Vec(dw[1].begin(), dw[1].end()), 1e-5, what + " dw");
    expect_close_f(db[0], Vec(db[1].begin(), db[1].end()), 1e-5, what + " db");
  }
}

}  // namespace
}  // namespace qasim::kernels::train
