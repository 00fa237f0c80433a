// Fixed point Qm.n with stochastic rounding (Gupta et al. 2015), "fixed", weights,
// activations and gradients, k = 2..16 bits total (signed), n = spec.frac_bits fraction
// bits, or with frac_bits = -1 the largest n in [0, 30] for which round(max|x| 2^n) still
// fits in k signed bits (recomputed from each tensor; saturation beyond n = 0).
//   Round to nearest (ties up) as kernels::quantize_fixed: i = floor(x 2^n + 1/2), or in
//   training with spec.stochastic, round up with probability (x 2^n - floor(x 2^n)) as
//   kernels::quantize_fixed_stochastic (one 32-bit draw per element, in order, also for
//   exact values); then saturate to [-2^(k-1), 2^(k-1) - 1]; y = i 2^-n.
// Backward: weights and activations pass dy inside the representable range
//   [-2^(k-1), 2^(k-1) - 1] * 2^-n and zero outside (saturated); gradients pass dy through.
// Integer form: FixedPoint, k bits, frac_bits n, scale 2^-n (kernels::quantize_fixed).
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

class FixedPoint final : public FakeQuantizer {
 public:
  FixedPoint(Role role, int bits, int frac_bits, bool stochastic)
      : m_role(role),
        m_bits(bits),
        m_frac_bits(frac_bits),
        m_stochastic(stochastic),
        m_qmin(-(int64_t{1} << (bits - 1))),
        m_qmax((int64_t{1} << (bits - 1)) - 1) {}
  std::string name() const override { return "fixed"; }
  int bits() const override { return m_bits; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override {
    row_length(name(), x, y.size(), channels);
    check_finite(name(), x);
    const int n = frac_bits(x);
    const float scale = std::ldexp(1.f, -n);
    const double up = std::ldexp(1.0, n);  // x * 2^n is exact in double
    const auto size = static_cast<int64_t>(x.size());
    // t is clamped one step beyond the range first (the result saturates the same way), so
    // that the vectorizable floor_small applies.
    const auto lo = static_cast<double>(m_qmin), hi = static_cast<double>(m_qmax);
    if (training && m_stochastic) {
      draw_uniform(rng, size, m_draws);
      const double* draws = m_draws.data();
      for_each_index(size, [=](int64_t i) {
        const double t = clamped(double{x[i]} * up, lo - 1, hi + 1);
        const double down = floor_small(t);
        const double r = down + (draws[i] < t - down ? 1.0 : 0.0);
        y[i] = static_cast<float>(clamped(r, lo, hi)) * scale;
      });
      return;
    }
    for_each_index(size, [=](int64_t i) {
      const double t = clamped(double{x[i]} * up, lo - 1, hi + 1);
      y[i] = static_cast<float>(clamped(floor_small(t + 0.5), lo, hi)) * scale;
    });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    if (m_role == Role::Gradient) return pass_through(dy, dx);
    row_length(name(), x, dx.size(), channels);
    const int n = frac_bits(x);
    const double lo = std::ldexp(static_cast<double>(m_qmin), -n);
    const double hi = std::ldexp(static_cast<double>(m_qmax), -n);
    for_each_index(static_cast<int64_t>(x.size()), [=](int64_t i) {
      const double v = x[i];
      dx[i] = masked((v >= lo) & (v <= hi), dy[i]);
    });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    if (m_role == Role::Gradient) no_integer_form(name(), m_role);
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return quantize_fixed(as_tensor(x, channels), m_bits, frac_bits(x));
  }
  std::optional<QuantParams> output_params() const override {
    if (m_role == Role::Gradient || m_frac_bits < 0) return std::nullopt;
    QuantParams q;  // as kernels::quantize_fixed builds them
    q.scheme = Scheme::FixedPoint;
    q.bits = m_bits;
    q.frac_bits = m_frac_bits;
    q.scale = {std::ldexp(1.f, -m_frac_bits)};
    return q;
  }

 private:
  int frac_bits(std::span<const float> x) const {
    if (m_frac_bits >= 0) return m_frac_bits;
    const double m = max_abs(x, 0, static_cast<int64_t>(x.size()));
    int n = 30;
    while (n > 0 && std::floor(std::ldexp(m, n) + 0.5) > static_cast<double>(m_qmax)) --n;
    return n;
  }

  Role m_role;
  int m_bits, m_frac_bits;
  bool m_stochastic;
  int64_t m_qmin, m_qmax;
  std::vector<double> m_draws;
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_fixed(const QuantizerSpec& spec) {
  if (spec.frac_bits < -1 || spec.frac_bits > 30)
    fail("fixed",
         fmt::format("frac_bits {} outside [0, 30] (or -1: from the range)", spec.frac_bits));
  return std::make_unique<FixedPoint>(spec.role, spec.bits, spec.frac_bits, spec.stochastic);
}

}  // namespace qasim::kernels::qat::detail
