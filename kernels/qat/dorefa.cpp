// DoReFa-Net (Zhou et al. 2016): weights, activations and gradients, with
// q_k(x) = round((2^k - 1) x) / (2^k - 1) and n = 2^k - 1 (round half to even, as torch/tf).
//
// Weights, k = 2..15: t = tanh(w), M = max |t| over the layer, u = t / (2M) + 1/2,
//   i = round(n u) in [0, n], y = 2 i / n - 1. Backward: the STE through the rounding and
//   the exact derivative of everything else, as autograd gives it (tensorpack's
//   implementation): dt_i = dy_i / M - [i = argmax |t|] sign(t_i) (sum_j dy_j t_j) / M^2
//   (ties split evenly), dw_i = dt_i (1 - t_i^2).
//   Integer form: v = 2i - n, odd integers in [-n, n]: Uniform signed k+1 bits, scale 1/n,
//   zero point 0 (the affine form of 2i/n - 1 in i would need the zero point n/2, not an
//   integer). Hence k <= 15.
// Weights, k = 1: y = E sign(w), E = mean |w| over the layer, sign(0) = +1 (the project's
//   convention; tf.sign(0) is 0). Backward straight through. Integer form: Binary, scale E
//   (kernels::quantize_binary per tensor).
// Activations, k = 1..16: i = round(n clip(x, 0, 1)), y = i / n; backward dy * 1{0 <= x <= 1}.
//   Integer form: Uniform unsigned k bits, scale 1/n, zero point 0.
// Gradients, k = 1..16, one row per sample (channels = N): M = max |dr| over the row,
//   y = 2M (q_k(clip(dr / 2M + 1/2 + N, 0, 1)) - 1/2) with N uniform in +-1/(2n) in training
//   (one 32-bit draw per element, in order; none in evaluation), computed in double.
//   A row with M = 0 stays 0. backward() passes dy through (the quantizer already acts on
//   a gradient); there is no integer form.
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

class DorefaWeights final : public FakeQuantizer {
 public:
  explicit DorefaWeights(int bits) : m_bits(bits), m_levels((int64_t{1} << bits) - 1) {}
  std::string name() const override { return "dorefa"; }
  int bits() const override { return m_bits; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    if (m_bits == 1) {
      const float e = mean_abs_scale(x);
      for_each_index(static_cast<int64_t>(x.size()),
                     [&](int64_t i) { y[i] = dequantized(x[i] >= 0.f ? 1 : -1, 0, e); });
      return;
    }
    const float scale = inverse_levels();
    codes(x, [&](int64_t i, int32_t v) { y[i] = dequantized(v, 0, scale); });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    if (m_bits == 1) return pass_through(dy, dx);
    const auto n = static_cast<int64_t>(x.size());
    std::vector<float> t(x.size());
    for_each_index(n, [&](int64_t i) { t[i] = std::tanh(x[i]); });
    const double m = max_abs(t, 0, n);
    if (m == 0) return std::fill(dx.begin(), dx.end(), 0.f);  // all-zero layer: u = 1/2 fixed
    const double dot = deterministic_sum(0, n, [&](int64_t i) { return double{dy[i]} * t[i]; });
    int64_t ties = 0;
    for (int64_t i = 0; i < n; ++i) ties += std::fabs(t[i]) == m;
    const double through_max = dot / (m * m) / static_cast<double>(ties);
    for_each_index(n, [&](int64_t i) {
      double dt = dy[i] / m;
      if (std::fabs(t[i]) == m) dt -= (t[i] > 0 ? 1.0 : -1.0) * through_max;
      dx[i] = static_cast<float>(dt * (1.0 - double{t[i]} * t[i]));
    });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    const int64_t row = row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    if (m_bits == 1) return quantize_binary(as_tensor(x, channels), Granularity{false, 0});
    IntTensor values({channels, row});
    codes(x, [&](int64_t i, int32_t v) { values[i] = v; });
    return {std::move(values), QuantParams::uniform(m_bits + 1, true, inverse_levels(), 0)};
  }
  std::optional<QuantParams> output_params() const override {
    if (m_bits == 1) return std::nullopt;  // E = mean |w| depends on the weights
    return QuantParams::uniform(m_bits + 1, true, inverse_levels(), 0);
  }

 private:
  float inverse_levels() const { return 1.f / static_cast<float>(m_levels); }
  static float mean_abs_scale(std::span<const float> x) {
    return positive_scale(sequential_mean_abs(x, 0, static_cast<int64_t>(x.size())));
  }
  // emit(i, 2 round(n u_i) - n) for every element, in float32 like the float model.
  template <typename Emit>
  void codes(std::span<const float> x, Emit&& emit) const {
    const auto n = static_cast<int64_t>(x.size());
    std::vector<float> t(x.size());
    for_each_index(n, [&](int64_t i) { t[i] = std::tanh(x[i]); });
    const auto m = static_cast<float>(max_abs(t, 0, n));
    const float two_m = m > 0.f ? 2.f * m : 1.f;  // all-zero layer: every u is 1/2
    const auto levels = static_cast<float>(m_levels);
    for_each_index(n, [&](int64_t i) {
      const float u = t[i] / two_m + 0.5f;
      const float code = round_half_even(std::clamp(u * levels, 0.f, levels));
      emit(i, 2 * static_cast<int32_t>(code) - static_cast<int32_t>(m_levels));
    });
  }

  int m_bits;
  int64_t m_levels;
};

class DorefaActivations final : public FakeQuantizer {
 public:
  explicit DorefaActivations(int bits) : m_bits(bits), m_levels((int64_t{1} << bits) - 1) {}
  std::string name() const override { return "dorefa"; }
  int bits() const override { return m_bits; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    const float levels = static_cast<float>(m_levels), scale = 1.f / levels;
    for_each_index(static_cast<int64_t>(x.size()),
                   [=](int64_t i) { y[i] = code(x[i], levels) * scale; });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    for_each_index(static_cast<int64_t>(x.size()), [=](int64_t i) {
      const float v = x[i];
      dx[i] = masked((v >= 0.f) & (v <= 1.f), dy[i]);
    });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    const int64_t row = row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    IntTensor values({channels, row});
    const auto levels = static_cast<float>(m_levels);
    for_each_index(values.size(),
                   [&](int64_t i) { values[i] = static_cast<int32_t>(code(x[i], levels)); });
    return {std::move(values),
            QuantParams::uniform(m_bits, false, 1.f / static_cast<float>(m_levels), 0)};
  }
  std::optional<QuantParams> output_params() const override {
    return QuantParams::uniform(m_bits, false, 1.f / static_cast<float>(m_levels), 0);
  }

 private:
  // round(n clip(x, 0, 1)) as an exact float; static, with n passed in, so that the loops
  // keep it in a register (y could alias a member as far as the compiler knows).
  static float code(float x, float levels) {
    return round_half_even(std::clamp(x, 0.f, 1.f) * levels);
  }
  int m_bits;
  int64_t m_levels;
};

class DorefaGradients final : public FakeQuantizer {
 public:
  explicit DorefaGradients(int bits) : m_bits(bits), m_levels((int64_t{1} << bits) - 1) {}
  std::string name() const override { return "dorefa"; }
  int bits() const override { return m_bits; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override {
    const int64_t row = row_length(name(), x, y.size(), channels);
    const auto n = static_cast<int64_t>(x.size());
    if (training) draw_uniform(rng, n, m_draws);
    const double* draws = m_draws.data();
    const auto levels = static_cast<double>(m_levels);
    for (int64_t r = 0; r < channels; ++r) {
      const int64_t begin = r * row;
      const double m = max_abs(x, begin, begin + row);
      for_each_index(row, [=](int64_t k) {
        const int64_t i = begin + k;
        if (m == 0) {
          y[i] = 0.f;
          return;
        }
        const double noise = training ? (draws[i] - 0.5) / levels : 0.0;
        const double v = clamped(x[i] / (2 * m) + 0.5 + noise, 0.0, 1.0);
        y[i] = static_cast<float>(2 * m * (round_half_even(v * levels) / levels - 0.5));
      });
    }
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    pass_through(dy, dx);
  }
  Quantized to_integer(std::span<const float>, int64_t) const override {
    no_integer_form(name(), Role::Gradient);
  }

 private:
  int m_bits;
  int64_t m_levels;
  std::vector<double> m_draws;
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_dorefa(const QuantizerSpec& spec) {
  switch (spec.role) {
    case Role::Weight:
      if (spec.bits > 15)
        fail("dorefa", fmt::format("weights: {} bits, at most 15 (the integer form of 2i/n - 1 "
                                   "needs k+1 signed bits)",
                                   spec.bits));
      return std::make_unique<DorefaWeights>(spec.bits);
    case Role::Activation:
      return std::make_unique<DorefaActivations>(spec.bits);
    case Role::Gradient:
      return std::make_unique<DorefaGradients>(spec.bits);
  }
  fail("dorefa", "unknown role");
}

}  // namespace qasim::kernels::qat::detail
