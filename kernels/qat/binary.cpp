// One-bit methods: BinaryConnect, BNN and XNOR-Net. All use sign(x) with sign(0) = +1, the
// convention of kernels/quantizers.h and the XNOR/popcount kernels.
//
// binaryconnect (Courbariaux et al. 2015), weights: y = sign(w); in training with
//   spec.stochastic, y = +1 with probability clip((w+1)/2, 0, 1) (one 32-bit draw per
//   element in order). Evaluation is always deterministic sign(w). Backward: straight
//   through (dx = dy). latent_clip() = 1: the trainer clips the real weights to [-1, 1].
//   Integer form: Binary, values +-1, scale 1 (1 bit).
// bnn (Hubara/Courbariaux et al. 2016), weights and activations: y = sign(x); backward
//   dx = dy * 1{|x| <= 1} (hard tanh). Weights: latent_clip() = 1. Integer form: Binary,
//   scale 1 (1 bit).
// xnor (Rastegari et al. 2016): weights y = alpha_c * sign(w), alpha_c = mean |w| over row c
//   (one output filter); backward dw = dy * (1/n + alpha_c * 1{|w| <= 1}), n the row
//   length (the paper's eq. for dC/dW_i). Integer form: Binary, one alpha per row (1 bit),
//   from kernels::quantize_binary. Activations: sign(x) with the hard-tanh STE and scale 1.
//   The paper's input scale K = A * k (channel-mean |I| box-filtered over the kernel window)
//   is NOT applied: it needs the spatial shape and the conv geometry, which belong to the
//   layer; a trainer that wants K multiplies the conv output by it.
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

inline int32_t sign_code(float x) {
  return x >= 0.f ? 1 : -1;
}

Quantized signs_with_scales(std::span<const float> x, int64_t channels, std::vector<float> alphas) {
  IntTensor values({channels, static_cast<int64_t>(x.size()) / channels});
  for_each_index(values.size(), [&](int64_t i) { values[i] = sign_code(x[i]); });
  return {std::move(values), QuantParams::binary(std::move(alphas))};
}

// Hard-tanh straight-through estimator: dx = dy * 1{|x| <= 1}.
void hard_tanh_ste(const std::string& method, std::span<const float> x, std::span<const float> dy,
                   std::span<float> dx, int64_t channels) {
  row_length(method, x, dy.size(), channels);
  row_length(method, x, dx.size(), channels);
  for_each_index(static_cast<int64_t>(x.size()),
                 [=](int64_t i) { dx[i] = masked(std::fabs(x[i]) <= 1.f, dy[i]); });
}

class BinaryConnect final : public FakeQuantizer {
 public:
  explicit BinaryConnect(bool stochastic) : m_stochastic(stochastic) {}
  std::string name() const override { return "binaryconnect"; }
  int bits() const override { return 1; }
  std::optional<float> latent_clip() const override { return 1.f; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override {
    const int64_t n = static_cast<int64_t>(x.size());
    row_length(name(), x, y.size(), channels);
    if (training && m_stochastic) {
      draw_uniform(rng, n, m_draws);
      const double* draws = m_draws.data();
      for_each_index(n, [=](int64_t i) {
        const double p = clamped((static_cast<double>(x[i]) + 1.0) / 2.0, 0.0, 1.0);
        y[i] = draws[i] < p ? 1.f : -1.f;
      });
      return;
    }
    for_each_index(n, [=](int64_t i) { y[i] = static_cast<float>(sign_code(x[i])); });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    pass_through(dy, dx);
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return signs_with_scales(x, channels, {1.f});
  }
  std::optional<QuantParams> output_params() const override { return QuantParams::binary({1.f}); }

 private:
  bool m_stochastic;
  std::vector<double> m_draws;  // reused between calls
};

class Bnn final : public FakeQuantizer {
 public:
  // xnor activations are BNN's sign under another name.
  Bnn(std::string name, Role role) : m_name(std::move(name)), m_role(role) {}
  std::string name() const override { return m_name; }
  int bits() const override { return 1; }
  std::optional<float> latent_clip() const override {
    return m_role == Role::Weight ? std::optional<float>(1.f) : std::nullopt;
  }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    for_each_index(static_cast<int64_t>(x.size()),
                   [=](int64_t i) { y[i] = static_cast<float>(sign_code(x[i])); });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    hard_tanh_ste(name(), x, dy, dx, channels);
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return signs_with_scales(x, channels, {1.f});
  }
  std::optional<QuantParams> output_params() const override { return QuantParams::binary({1.f}); }

 private:
  std::string m_name;
  Role m_role;
};

class XnorWeights final : public FakeQuantizer {
 public:
  std::string name() const override { return "xnor"; }
  int bits() const override { return 1; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    const int64_t row = row_length(name(), x, y.size(), channels);
    const std::vector<float> alphas = row_alphas(x, channels, row);
    for_each_index(static_cast<int64_t>(x.size()), [&](int64_t i) {
      y[i] = dequantized(sign_code(x[i]), 0, alphas[static_cast<size_t>(i / row)]);
    });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    const int64_t row = row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    const std::vector<float> alphas = row_alphas(x, channels, row);
    const float inv_n = 1.f / static_cast<float>(row);
    for_each_index(static_cast<int64_t>(x.size()), [&](int64_t i) {
      const float ste = std::fabs(x[i]) <= 1.f ? alphas[static_cast<size_t>(i / row)] : 0.f;
      dx[i] = dy[i] * (inv_n + ste);
    });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    const int64_t row = row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return signs_with_scales(x, channels, row_alphas(x, channels, row));
  }

 private:
  static std::vector<float> row_alphas(std::span<const float> x, int64_t channels, int64_t row) {
    std::vector<float> alphas(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c)
      alphas[static_cast<size_t>(c)] =
          positive_scale(sequential_mean_abs(x, c * row, (c + 1) * row));
    return alphas;
  }
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_binaryconnect(const QuantizerSpec& spec) {
  return std::make_unique<BinaryConnect>(spec.stochastic);
}

std::unique_ptr<FakeQuantizer> make_bnn(const QuantizerSpec& spec) {
  return std::make_unique<Bnn>("bnn", spec.role);
}

std::unique_ptr<FakeQuantizer> make_xnor(const QuantizerSpec& spec) {
  if (spec.role == Role::Weight) return std::make_unique<XnorWeights>();
  return std::make_unique<Bnn>("xnor", spec.role);
}

}  // namespace qasim::kernels::qat::detail
