// The per-element functions of the CUDA training kernels (kernels/cuda/train_math.h), run
// over whole tensors on the host and compared with the CPU training kernels (kernels/train):
// pooling and activations bit for bit (same operations in the same order), the batch-norm
// element maps bit for bit given the CPU's channel statistics, and im2col/col2im through whole
// convolutions (products by kernels::train::gemm against kernels::train::conv_*, which may
// run in oneDNN: within float tolerance).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/cuda/train_math.h"
#include "kernels/train/batchnorm.h"
#include "kernels/train/conv.h"
#include "kernels/train/gemm.h"
#include "kernels/train/loss.h"
#include "kernels/train/pool.h"

namespace qasim::kernels::cuda {
namespace {

namespace kt = kernels::train;

std::vector<float> random_floats(int64_t n, std::mt19937& rng) {
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, float tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1.f + std::fabs(want[i]))) << "at " << i;
}

kt::ConvDims conv_case(int variant) {
  kt::ConvDims d;
  d.batch = 3, d.in_c = 6, d.in_h = 9, d.in_w = 8, d.out_c = 4;
  ConvGeometry& g = d.geometry;
  g.kernel_h = 3, g.kernel_w = 3;
  if (variant == 1) {
    g.stride_h = g.stride_w = 2;
    g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1;
  } else if (variant == 2) {
    g.kernel_w = 2, g.stride_w = 3, g.dilation_h = 2, g.pad_top = 2, g.pad_left = 1;
    g.pad_bottom = 0, g.pad_right = 2, g.groups = 2;
  }
  return d;
}

// y = W x through the gather im2col and per-group products.
std::vector<float> conv_by_gather(const kt::ConvDims& dims, const std::vector<float>& x,
                                  const std::vector<float>& w) {
  const TrainConvDims d = train_conv_dims(dims);
  const int64_t rows = d.in_c * d.kernel_size(), np = d.positions();
  std::vector<float> cols(static_cast<size_t>(rows * np)), y(static_cast<size_t>(d.out_c * np));
  for (int64_t i = 0; i < rows * np; ++i) cols[i] = im2col_value(d, x.data(), i / np, i % np);
  const int64_t ocg = d.out_c / d.groups, kg = d.k_per_group();
  for (int64_t g = 0; g < d.groups; ++g)
    kt::gemm<float>(false, false, ocg, np, kg, 1.f, w.data() + g * ocg * kg, kg,
                    cols.data() + g * kg * np, np, 0.f, y.data() + g * ocg * np, np);
  return y;
}

TEST(CudaTrainMath, Im2colGatherGivesTheConvolution) {
  std::mt19937 rng(31);
  for (int variant = 0; variant < 3; ++variant) {
    const kt::ConvDims d = conv_case(variant);
    const std::vector<float> x = random_floats(d.input_size(), rng);
    const std::vector<float> w = random_floats(d.weight_size(), rng);
    std::vector<float> want(static_cast<size_t>(d.output_size())), scratch;
    kt::conv_forward<float>(d, x.data(), w.data(), nullptr, want.data(), scratch);
    expect_close(conv_by_gather(d, x, w), want, 1e-5f);
  }
}

TEST(CudaTrainMath, Col2imGatherGivesTheDataGradient) {
  std::mt19937 rng(32);
  for (int variant = 0; variant < 3; ++variant) {
    const kt::ConvDims dims = conv_case(variant);
    const TrainConvDims d = train_conv_dims(dims);
    const std::vector<float> dy = random_floats(dims.output_size(), rng);
    const std::vector<float> w = random_floats(dims.weight_size(), rng);
    const int64_t rows = d.in_c * d.kernel_size(), np = d.positions();
    std::vector<float> cols(static_cast<size_t>(rows * np));
    const int64_t ocg = d.out_c / d.groups, kg = d.k_per_group();
    for (int64_t g = 0; g < d.groups; ++g)
      kt::gemm<float>(true, false, kg, np, ocg, 1.f, w.data() + g * ocg * kg, kg,
                      dy.data() + g * ocg * np, np, 0.f, cols.data() + g * kg * np, np);
    std::vector<float> got(static_cast<size_t>(dims.input_size()));
    for (int64_t i = 0; i < dims.input_size(); ++i) got[i] = col2im_value(d, cols.data(), i);
    std::vector<float> want(got.size()), scratch;
    kt::conv_backward_data<float>(dims, dy.data(), w.data(), want.data(), scratch);
    expect_close(got, want, 1e-5f);
  }
}

kt::PoolDims pool_case(int variant) {
  kt::PoolDims d;
  d.planes = 5, d.in_h = 9, d.in_w = 7;
  ConvGeometry& g = d.geometry;
  g.kernel_h = g.kernel_w = variant == 2 ? 1 : 3;
  g.stride_h = g.stride_w = variant == 0 ? 1 : 2;
  if (variant != 2) g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1;
  if (variant == 3) {  // global pooling
    g = {};
    g.kernel_h = d.in_h, g.kernel_w = d.in_w;
  }
  return d;
}

TEST(CudaTrainMath, PoolingEqualsTheCpuKernelsBitForBit) {
  std::mt19937 rng(33);
  for (int variant = 0; variant < 4; ++variant) {
    SCOPED_TRACE(variant);
    const kt::PoolDims pd = pool_case(variant);
    const TrainPoolDims d = train_pool_dims(pd);
    const int64_t in = d.planes * d.in_h * d.in_w, out = d.planes * d.out_h * d.out_w;
    std::vector<float> x = random_floats(in, rng);
    x[3] = x[4];  // a tie: the first maximum wins on both sides
    const std::vector<float> dy = random_floats(out, rng);
    std::vector<float> y(out), want_y(out), dx(in), want_dx(in);
    std::vector<int32_t> argmax(out), want_argmax(out);
    kt::max_pool_forward<float>(pd, x.data(), want_y.data(), want_argmax.data());
    for (int64_t i = 0; i < out; ++i) y[i] = max_pool_value(d, x.data(), i, &argmax[i]);
    EXPECT_EQ(y, want_y);
    EXPECT_EQ(argmax, want_argmax);
    kt::max_pool_backward<float>(pd, dy.data(), want_argmax.data(), want_dx.data());
    for (int64_t i = 0; i < in; ++i) dx[i] = max_pool_grad(d, dy.data(), argmax.data(), i);
    EXPECT_EQ(dx, want_dx);
    for (bool include_pad : {false, true}) {
      kt::avg_pool_forward<float>(pd, include_pad, x.data(), want_y.data());
      for (int64_t i = 0; i < out; ++i) y[i] = avg_pool_value(d, include_pad, x.data(), i);
      EXPECT_EQ(y, want_y);
      kt::avg_pool_backward<float>(pd, include_pad, dy.data(), want_dx.data());
      for (int64_t i = 0; i < in; ++i) dx[i] = avg_pool_grad(d, include_pad, dy.data(), i);
      EXPECT_EQ(dx, want_dx);
    }
  }
}

TEST(CudaTrainMath, ActivationsEqualTheCpuKernelsAtAndBetweenTheKinks) {
  std::mt19937 rng(34);
  std::vector<float> x = random_floats(4000, rng);
  for (float& v : x) v *= 4.f;
  x.insert(x.end(), {0.f, -0.f, 6.f, -1.5f, 2.5f, 1e30f, -1e30f});
  const std::vector<float> dy = random_floats(static_cast<int64_t>(x.size()), rng);
  const auto n = static_cast<int64_t>(x.size());
  for (Activation act : {Activation::None, Activation::Relu, Activation::Relu6, Activation::Clip}) {
    const float lo = -1.5f, hi = 2.5f;
    const ActivationBounds b = activation_bounds_of(act, lo, hi);
    std::vector<float> want(x.size()), got(x.size());
    kt::activation_forward<float>(act, lo, hi, n, x.data(), want.data());
    for (int64_t i = 0; i < n; ++i) got[i] = activation_value(b, x[i]);
    EXPECT_EQ(got, want);
    kt::activation_backward<float>(act, lo, hi, n, x.data(), dy.data(), want.data());
    for (int64_t i = 0; i < n; ++i) got[i] = activation_grad(b, x[i], dy[i]);
    EXPECT_EQ(got, want);
  }
}

TEST(CudaTrainMath, BatchNormElementMapsEqualTheCpuKernels) {
  std::mt19937 rng(35);
  kt::BatchNormDims d;
  d.channels = 3, d.count = 500;
  const int64_t n = d.channels * d.count;
  const std::vector<float> x = random_floats(n, rng), dy = random_floats(n, rng);
  const std::vector<float> gamma = {0.5f, 1.5f, -2.f}, beta = {0.1f, -0.2f, 0.3f};
  std::vector<float> y(n), x_hat(n), inv_std(3), dx(n), dgamma(3, 0.f), dbeta(3, 0.f);
  kt::batchnorm_forward_train<float>(d, x.data(), gamma.data(), beta.data(), y.data(), x_hat.data(),
                                     inv_std.data(), nullptr, nullptr);
  kt::batchnorm_backward<float>(d, dy.data(), x_hat.data(), gamma.data(), inv_std.data(), dx.data(),
                                dgamma.data(), dbeta.data());
  for (int64_t c = 0; c < d.channels; ++c) {
    // The channel statistics as kernels/train computes them (sequential double sums).
    double sum = 0, sum_dy = 0, sum_dy_h = 0;
    for (int64_t i = c * d.count; i < (c + 1) * d.count; ++i) sum += x[i];
    const auto mean = static_cast<float>(sum / static_cast<double>(d.count));
    for (int64_t i = c * d.count; i < (c + 1) * d.count; ++i)
      sum_dy += dy[i], sum_dy_h += double{dy[i]} * x_hat[i];
    const auto k = static_cast<float>(gamma[c] * inv_std[c]);
    const auto mean_dy = static_cast<float>(sum_dy / static_cast<double>(d.count));
    const auto mean_dy_h = static_cast<float>(sum_dy_h / static_cast<double>(d.count));
    for (int64_t i = c * d.count; i < (c + 1) * d.count; ++i) {
      const float h = bn_x_hat(x[i], mean, inv_std[c]);
      ASSERT_EQ(h, x_hat[i]) << i;
      ASSERT_EQ(bn_affine(gamma[c], h, beta[c]), y[i]) << i;
      ASSERT_EQ(bn_grad(k, dy[i], mean_dy, x_hat[i], mean_dy_h), dx[i]) << i;
    }
  }
}

}  // namespace
}  // namespace qasim::kernels::cuda
