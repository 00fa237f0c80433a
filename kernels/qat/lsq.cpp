// LSQ (Esser et al. 2020), weights (signed, k = 2..16: Q_N = 2^(k-1), Q_P = 2^(k-1) - 1) and
// activations (unsigned, k = 1..16: Q_N = 0, Q_P = 2^k - 1), one learned step s per layer:
//   i = round_half_even(clip(v / s, -Q_N, Q_P)), y = i * s (float32).
// Backward: dv = dy * 1{-Q_N < v/s < Q_P}; ds += g * sum dy * (round(v/s) - v/s inside,
//   -Q_N at or below, Q_P at or above), with the step-gradient scale g = 1 / sqrt(N * Q_P),
//   N = the layer's number of weights, or for activations the features per sample (the row
//   length: pass channels = batch size).
// s = 0 means "not initialised": the first forward() sets s = 2 mean|v| / sqrt(Q_P) from
// its input (the paper's initialisation; the first batch for activations). state() is {s}.
// Integer form: Uniform, signed k bits (weights) or unsigned k bits (activations), scale s,
// zero point 0.
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

class Lsq final : public FakeQuantizer {
 public:
  Lsq(Role role, int bits)
      : m_role(role),
        m_bits(bits),
        m_qn(role == Role::Weight ? int64_t{1} << (bits - 1) : 0),
        m_qp(role == Role::Weight ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1) {}
  std::string name() const override { return "lsq"; }
  int bits() const override { return m_bits; }
  std::vector<LearnedParam> learned_params() override { return {{"step", &m_step, &m_grad, 0.f}}; }
  std::vector<float> state() const override { return m_step; }
  void load_state(const std::vector<float>& state) override {
    if (state.size() != 1 || !(state[0] >= 0.f) || !std::isfinite(state[0]))
      fail(name(), "state must be one finite step >= 0 (0: not initialised)");
    m_step = state;
  }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    if (m_step[0] == 0.f) {
      check_finite(name(), x);
      const double mean = sequential_mean_abs(x, 0, static_cast<int64_t>(x.size()));
      m_step[0] = positive_scale(2.0 * mean / std::sqrt(static_cast<double>(m_qp)));
    }
    const float s = checked_step();
    const auto lo = static_cast<float>(-m_qn), hi = static_cast<float>(m_qp);
    for_each_index(static_cast<int64_t>(x.size()),
                   [=](int64_t i) { y[i] = code(x[i], s, lo, hi) * s; });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    const int64_t row = row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    const float s = checked_step();
    const auto n = static_cast<int64_t>(x.size());
    const auto lo = static_cast<float>(-m_qn), hi = static_cast<float>(m_qp);
    for_each_index(n, [=](int64_t i) {
      const float v = x[i] / s;
      dx[i] = masked((v > lo) & (v < hi), dy[i]);
    });
    const double sum = deterministic_sum(0, n, [=](int64_t i) {
      const float v = x[i] / s;
      const float d = v <= lo ? lo : (v >= hi ? hi : round_half_even(v) - v);
      return double{dy[i]} * d;
    });
    const auto count = static_cast<double>(m_role == Role::Weight ? n : row);
    m_grad[0] += static_cast<float>(sum / std::sqrt(count * static_cast<double>(m_qp)));
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    const int64_t row = row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    if (m_step[0] == 0.f) fail(name(), "step not initialised: run forward() first");
    const float s = checked_step();
    const auto lo = static_cast<float>(-m_qn), hi = static_cast<float>(m_qp);
    IntTensor values({channels, row});
    for_each_index(values.size(),
                   [&](int64_t i) { values[i] = static_cast<int32_t>(code(x[i], s, lo, hi)); });
    return {std::move(values), QuantParams::uniform(m_bits, m_role == Role::Weight, s, 0)};
  }
  std::optional<QuantParams> output_params() const override {
    if (!(m_step[0] > 0.f) || !std::isfinite(m_step[0])) return std::nullopt;
    return QuantParams::uniform(m_bits, m_role == Role::Weight, m_step[0], 0);
  }

 private:
  // round(clip(x / s, lo, hi)) as an exact float (static: the loops keep lo, hi in registers).
  static float code(float x, float s, float lo, float hi) {
    return round_half_even(clamped(x / s, lo, hi));
  }
  float checked_step() const {
    if (!(m_step[0] > 0.f) || !std::isfinite(m_step[0]))
      fail(name(), fmt::format("step {} must be positive and finite", m_step[0]));
    return m_step[0];
  }

  Role m_role;
  int m_bits;
  int64_t m_qn, m_qp;
  std::vector<float> m_step{0.f}, m_grad{0.f};
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_lsq(const QuantizerSpec& spec) {
  if (spec.role == Role::Weight && spec.bits < 2)
    fail("lsq", "weights need at least 2 bits (Q_P = 2^(k-1) - 1 is 0 at 1 bit)");
  return std::make_unique<Lsq>(spec.role, spec.bits);
}

}  // namespace qasim::kernels::qat::detail
