// Ternary weights: TWN and TTQ (2 bits).
//
// twn (Li et al. 2016): delta = 0.7 * mean |w|, alpha = mean |w_i| over |w_i| > delta,
//   y = +alpha (w > delta), -alpha (w < -delta), else 0. Per layer as in the paper, or per
//   row (output filter) with spec.per_channel. Backward: straight through (dx = dy).
//   Integer form: kernels::quantize_twn, Ternary {-1, 0, +1} with alpha as scale (2 bits).
// ttq (Zhu et al. 2017): delta = 0.05 * max |w| (per layer, tensorpack's constant); learned
//   Wp, Wn (init 1, per layer): y = +Wp (w > delta), -Wn (w < -delta), else 0.
//   Backward, the paper's scaled STE: dw = Wp * dy on I_p, dy on the zeros, Wn * dy on I_n;
//   dWp += sum over I_p of dy; dWn += -(sum over I_n of dy). The paper prints
//   "dWn = sum over I_n" but the output there is -Wn, so the true derivative (what
//   tensorpack's autograd computes) carries the minus sign; we use it.
//   Integer form: kernels::quantize_ttq, a Codebook with 2-bit indices whose entries are the
//   fixed-point images of {-Wn, 0, +Wp} in spec.value_bits (8) signed bits. So that the
//   float model is the integer model, forward() also uses those images (Wp and Wn snapped
//   to the codebook grid, a relative change below 2^-(value_bits-1)); the gradients still
//   go to the unsnapped Wp, Wn. Wp, Wn must stay positive (forward throws otherwise).
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

class Twn final : public FakeQuantizer {
 public:
  explicit Twn(bool per_channel) : m_per_channel(per_channel) {}
  std::string name() const override { return "twn"; }
  int bits() const override { return 2; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    const int64_t row = row_length(name(), x, y.size(), channels);
    const int64_t group = m_per_channel ? row : static_cast<int64_t>(x.size());
    const int64_t groups = m_per_channel ? channels : 1;
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t begin = g * group, end = begin + group;
      const double delta = 0.7 * sequential_mean_abs(x, begin, end);
      double sum = 0;
      int64_t count = 0;
      for (int64_t i = begin; i < end; ++i) {
        const double v = x[i];
        if (std::fabs(v) > delta) {
          sum += std::fabs(v);
          ++count;
        }
      }
      const float alpha = positive_scale(count ? sum / static_cast<double>(count) : 0.0);
      for_each_index(group, [&](int64_t k) {
        const double v = x[begin + k];
        const int64_t t = v > delta ? 1 : (v < -delta ? -1 : 0);
        y[begin + k] = dequantized(t, 0, alpha);
      });
    }
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    pass_through(dy, dx);
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return quantize_twn(as_tensor(x, channels), Granularity{m_per_channel, 0});
  }

 private:
  bool m_per_channel;
};

class Ttq final : public FakeQuantizer {
 public:
  explicit Ttq(int value_bits) : m_value_bits(value_bits) {}
  std::string name() const override { return "ttq"; }
  int bits() const override { return 2; }
  std::vector<LearnedParam> learned_params() override {
    return {{"wp", &m_wp, &m_wp_grad, 0.f}, {"wn", &m_wn, &m_wn_grad, 0.f}};
  }
  std::vector<float> state() const override { return {m_wp[0], m_wn[0]}; }
  void load_state(const std::vector<float>& state) override {
    if (state.size() != 2)
      fail(name(), fmt::format("state has {} values, expected 2 (Wp, Wn)", state.size()));
    m_wp = {state[0]};
    m_wn = {state[1]};
  }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    const double delta = threshold(x);
    // Levels as the codebook decodes them: index 0 is -Wn, 1 is 0, 2 is +Wp.
    const std::vector<float> levels = snapped_levels();
    for_each_index(static_cast<int64_t>(x.size()), [&](int64_t i) {
      const double v = x[i];
      y[i] = v > delta ? levels[2] : (v < -delta ? levels[0] : levels[1]);
    });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    const double delta = threshold(x);
    const float wp = m_wp[0], wn = m_wn[0];
    const auto n = static_cast<int64_t>(x.size());
    for_each_index(n, [&](int64_t i) {
      const double v = x[i];
      dx[i] = dy[i] * (v > delta ? wp : (v < -delta ? wn : 1.f));
    });
    m_wp_grad[0] += static_cast<float>(
        deterministic_sum(0, n, [&](int64_t i) { return x[i] > delta ? double{dy[i]} : 0.0; }));
    m_wn_grad[0] -= static_cast<float>(
        deterministic_sum(0, n, [&](int64_t i) { return x[i] < -delta ? double{dy[i]} : 0.0; }));
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    check_levels();
    return quantize_ttq(as_tensor(x, channels), m_wp[0], m_wn[0], m_value_bits);
  }
  // The codebook depends on Wp, Wn only, not on the weights.
  std::optional<QuantParams> output_params() const override {
    if (!(m_wp[0] > 0.f && m_wn[0] > 0.f) || !std::isfinite(m_wp[0]) || !std::isfinite(m_wn[0]))
      return std::nullopt;
    const std::vector<float> centroids = {-m_wn[0], 0.f, m_wp[0]};
    return quantize_codebook(FloatTensor({3}, centroids), centroids, m_value_bits).params;
  }

 private:
  // delta = 0.05 * max |w| in double, as kernels::quantize_ttq.
  static double threshold(std::span<const float> x) {
    return 0.05 * max_abs(x, 0, static_cast<int64_t>(x.size()));
  }
  void check_levels() const {
    if (!(m_wp[0] > 0.f && m_wn[0] > 0.f) || !std::isfinite(m_wp[0]) || !std::isfinite(m_wn[0]))
      fail(name(), fmt::format("Wp {} and Wn {} must be positive and finite", m_wp[0], m_wn[0]));
  }
  // {-Wn, 0, +Wp} through the same codebook encoding as to_integer.
  std::vector<float> snapped_levels() const {
    check_levels();
    const std::vector<float> centroids = {-m_wn[0], 0.f, m_wp[0]};
    const Quantized z = quantize_codebook(FloatTensor({3}, centroids), centroids, m_value_bits);
    return dequantize(z.values, z.params).values();
  }

  int m_value_bits;
  std::vector<float> m_wp{1.f}, m_wn{1.f}, m_wp_grad{0.f}, m_wn_grad{0.f};
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_twn(const QuantizerSpec& spec) {
  return std::make_unique<Twn>(spec.per_channel);
}

std::unique_ptr<FakeQuantizer> make_ttq(const QuantizerSpec& spec) {
  if (spec.value_bits < 2 || spec.value_bits > 16)
    fail("ttq", fmt::format("value_bits {} outside [2, 16]", spec.value_bits));
  return std::make_unique<Ttq>(spec.value_bits);
}

}  // namespace qasim::kernels::qat::detail
