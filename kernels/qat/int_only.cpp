// Integer-only inference quantization (Jacob et al. 2018), "int", k = 2..16 bits.
//
// Weights: symmetric signed, per layer or per row (spec.per_channel), from min/max:
//   kernels::choose_uniform_params(min(0, min w), max(0, max w), k, signed, symmetric), i.e.
//   scale = max|w| / (2^(k-1) - 1), zero point 0 (the code -2^(k-1) stays unused).
// Activations: asymmetric unsigned (uint8-style for k = 8) over a running range: in
//   training, the first batch sets [min, max], later batches move it by an exponential
//   moving average, range = decay * range + (1 - decay) * batch (decay spec.ema_decay,
//   0.99); evaluation uses the running range, or the input's own range before any training
//   batch (calibration by the data itself). choose_uniform_params widens the range to hold
//   0 and rounds the zero point to an integer, so real 0 is exactly representable.
//   The paper's delay of activation quantization at the start of training is not modelled.
// Both: i = clamp(round_half_even(x / scale) + zp, qmin, qmax) as kernels::quantize_uniform
//   (ONNX QuantizeLinear); y = (i - zp) * scale. Backward: straight through inside the
//   representable range [scale (qmin - zp), scale (qmax - zp)], zero outside.
// Integer form: Uniform, k bits, signed symmetric per tensor/row (weights) or unsigned with
// a zero point (activations). state() is {seen a batch (0/1), min, max} for activations.
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

struct Affine {
  float scale;
  int32_t zero_point, qmin, qmax;

  explicit Affine(const QuantParams& q)
      : scale(q.scale[0]), zero_point(q.zero_point[0]), qmin(q.qmin()), qmax(q.qmax()) {}
  // fixed_point::round_half_even_clamped (what quantize_uniform calls) for finite x, inline
  // so that the loops vectorize: the bounds are integers, so clamping before rounding is
  // the same as after.
  int32_t code(float x) const {
    const float v = std::clamp(x / scale, static_cast<float>(qmin - zero_point),
                               static_cast<float>(qmax - zero_point));
    return static_cast<int32_t>(round_half_even(v)) + zero_point;
  }
  float value(float x) const { return dequantized(code(x), zero_point, scale); }
  bool in_range(float x) const {
    const float lo = dequantized(qmin, zero_point, scale);
    const float hi = dequantized(qmax, zero_point, scale);
    return (x >= lo) & (x <= hi);
  }
};

std::pair<float, float> min_max(std::span<const float> x, int64_t begin, int64_t end) {
  float lo = 0.f, hi = 0.f;  // as quantize_uniform_minmax: the range always holds 0
  for (int64_t i = begin; i < end; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  return {lo, hi};
}

class IntWeights final : public FakeQuantizer {
 public:
  IntWeights(int bits, bool per_channel) : m_bits(bits), m_per_channel(per_channel) {}
  std::string name() const override { return "int"; }
  int bits() const override { return m_bits; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    check_finite(name(), x);
    for_each_group(x, y.size(), channels, [&](const Affine& a, int64_t begin, int64_t count) {
      for_each_index(count, [&](int64_t k) { y[begin + k] = a.value(x[begin + k]); });
    });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dx.size(), channels);
    for_each_group(x, dy.size(), channels, [&](const Affine& a, int64_t begin, int64_t count) {
      for_each_index(count, [&](int64_t k) {
        dx[begin + k] = masked(a.in_range(x[begin + k]), dy[begin + k]);
      });
    });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return quantize_uniform_minmax(as_tensor(x, channels), m_bits, true, true,
                                   Granularity{m_per_channel, 0});
  }

 private:
  template <typename F>
  void for_each_group(std::span<const float> x, size_t other_size, int64_t channels, F&& f) const {
    const int64_t row = row_length(name(), x, other_size, channels);
    const int64_t group = m_per_channel ? row : static_cast<int64_t>(x.size());
    for (int64_t begin = 0; begin < static_cast<int64_t>(x.size()); begin += group) {
      const auto [lo, hi] = min_max(x, begin, begin + group);
      f(Affine(choose_uniform_params(lo, hi, m_bits, true, true)), begin, group);
    }
  }
  int m_bits;
  bool m_per_channel;
};

class IntActivations final : public FakeQuantizer {
 public:
  IntActivations(int bits, float decay) : m_bits(bits), m_decay(decay) {}
  std::string name() const override { return "int"; }
  int bits() const override { return m_bits; }
  std::vector<float> state() const override { return {m_seen ? 1.f : 0.f, m_min, m_max}; }
  void load_state(const std::vector<float>& state) override {
    if (state.size() != 3 || !(state[1] <= state[2]) || !std::isfinite(state[1]) ||
        !std::isfinite(state[2]))
      fail(name(), "state must be {seen, min, max} with a finite min <= max");
    m_seen = state[0] != 0.f;
    m_min = state[1];
    m_max = state[2];
  }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    check_finite(name(), x);
    if (training) {
      const auto [lo, hi] = min_max(x, 0, static_cast<int64_t>(x.size()));
      if (!m_seen) {
        m_min = lo;
        m_max = hi;
        m_seen = true;
      } else {
        m_min = m_decay * m_min + (1.f - m_decay) * lo;
        m_max = m_decay * m_max + (1.f - m_decay) * hi;
      }
    }
    const Affine a(params(x));
    for_each_index(static_cast<int64_t>(x.size()), [=](int64_t i) { y[i] = a.value(x[i]); });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    const Affine a(params(x));
    for_each_index(static_cast<int64_t>(x.size()),
                   [=](int64_t i) { dx[i] = masked(a.in_range(x[i]), dy[i]); });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    return quantize_uniform(as_tensor(x, channels), params(x));
  }
  std::optional<QuantParams> output_params() const override {
    if (!m_seen) return std::nullopt;  // the range would come from the tensor
    return choose_uniform_params(m_min, m_max, m_bits, false, false);
  }

 private:
  QuantParams params(std::span<const float> x) const {
    if (m_seen) return choose_uniform_params(m_min, m_max, m_bits, false, false);
    const auto [lo, hi] = min_max(x, 0, static_cast<int64_t>(x.size()));
    return choose_uniform_params(lo, hi, m_bits, false, false);
  }
  int m_bits;
  float m_decay;
  bool m_seen = false;
  float m_min = 0.f, m_max = 0.f;
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_int(const QuantizerSpec& spec) {
  if (spec.role == Role::Weight) return std::make_unique<IntWeights>(spec.bits, spec.per_channel);
  if (!(spec.ema_decay >= 0.f && spec.ema_decay < 1.f))
    fail("int", fmt::format("ema_decay {} outside [0, 1)", spec.ema_decay));
  return std::make_unique<IntActivations>(spec.bits, spec.ema_decay);
}

}  // namespace qasim::kernels::qat::detail
