// PACT (Choi et al. 2018), activations, k = 1..16 bits, one learned alpha per layer:
//   y = clip(x, 0, alpha) quantized on n = 2^k - 1 steps of s = alpha / n:
//   i = round_half_even(clip(x, 0, alpha) / s), y = i * s (s in float32, as dequantize).
// Backward (the paper's STE): dx = dy * 1{0 <= x < alpha}; dalpha += sum dy * 1{x >= alpha}.
// alpha starts at spec.alpha_init (10) and carries its own L2 coefficient spec.alpha_decay
// (2e-4) in LearnedParam::weight_decay; both are the paper's settings as we recall them
// (REFERENCES.md gives none: unconfirmed). alpha must stay positive: forward throws if the
// optimizer drove it to <= 0.
// Integer form: Uniform, unsigned k bits, scale alpha / (2^k - 1), zero point 0.
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

class Pact final : public FakeQuantizer {
 public:
  Pact(int bits, float alpha, float decay)
      : m_bits(bits),
        m_levels((int64_t{1} << bits) - 1),
        m_alpha{alpha},
        m_grad{0.f},
        m_decay(decay) {}
  std::string name() const override { return "pact"; }
  int bits() const override { return m_bits; }
  std::vector<LearnedParam> learned_params() override {
    return {{"alpha", &m_alpha, &m_grad, m_decay}};
  }
  std::vector<float> state() const override { return m_alpha; }
  void load_state(const std::vector<float>& state) override {
    if (state.size() != 1)
      fail(name(), fmt::format("state has {} values, expected 1", state.size()));
    m_alpha = state;
  }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    const float alpha = checked_alpha(), s = step();
    const auto top = static_cast<float>(m_levels);
    for_each_index(static_cast<int64_t>(x.size()), [=](int64_t i) {
      const float q = round_half_even(std::clamp(x[i], 0.f, alpha) / s);
      y[i] = std::min(q, top) * s;  // q <= top up to float rounding of alpha / s
    });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    const float alpha = checked_alpha();
    const auto n = static_cast<int64_t>(x.size());
    for_each_index(n, [=](int64_t i) {
      const float v = x[i];
      dx[i] = masked((v >= 0.f) & (v < alpha), dy[i]);
    });
    const double dalpha =
        deterministic_sum(0, n, [=](int64_t i) { return x[i] >= alpha ? double{dy[i]} : 0.0; });
    m_grad[0] += static_cast<float>(dalpha);
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    const int64_t row = row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    const float alpha = checked_alpha(), s = step();
    IntTensor values({channels, row});
    for_each_index(values.size(), [&](int64_t i) {
      const float q = round_half_even(std::clamp(x[i], 0.f, alpha) / s);
      values[i] = static_cast<int32_t>(std::min<float>(q, static_cast<float>(m_levels)));
    });
    return {std::move(values), QuantParams::uniform(m_bits, false, s, 0)};
  }
  std::optional<QuantParams> output_params() const override {
    if (!(m_alpha[0] > 0.f) || !std::isfinite(m_alpha[0])) return std::nullopt;
    return QuantParams::uniform(m_bits, false, step(), 0);
  }

 private:
  float checked_alpha() const {
    if (!(m_alpha[0] > 0.f) || !std::isfinite(m_alpha[0]))
      fail(name(), fmt::format("alpha {} must be positive and finite", m_alpha[0]));
    return m_alpha[0];
  }
  float step() const { return m_alpha[0] / static_cast<float>(m_levels); }

  int m_bits;
  int64_t m_levels;  // 2^k - 1
  std::vector<float> m_alpha, m_grad;
  float m_decay;
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_pact(const QuantizerSpec& spec) {
  if (!(spec.alpha_init > 0.f) || !std::isfinite(spec.alpha_init))
    fail("pact", fmt::format("alpha_init {} must be positive and finite", spec.alpha_init));
  if (!(spec.alpha_decay >= 0.f) || !std::isfinite(spec.alpha_decay))
    fail("pact", fmt::format("alpha_decay {} must be >= 0 and finite", spec.alpha_decay));
  return std::make_unique<Pact>(spec.bits, spec.alpha_init, spec.alpha_decay);
}

}  // namespace qasim::kernels::qat::detail
