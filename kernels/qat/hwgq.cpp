// HWGQ (Cai et al. 2017), activations, k = 1..4 bits: the half-wave Gaussian quantizer for
// batch-normalised pre-activations ~ N(0, 1), with the paper's uniform steps
// (REFERENCES.md): 1 bit 0.799, 2 bits 0.538, 3 bits 0.3217, 4 bits 0.185.
//   i = 0 for x <= 0, else min(n, round(x / step)) (the nearest level, clipped at the top
//   level n * step, n = 2^k - 1); y = i * step.
// Backward: the clipped ReLU, dx = dy * 1{0 < x <= n * step}.
// Integer form: Uniform, unsigned k bits, scale = step, zero point 0.
#include <fmt/format.h>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat::detail {

namespace {

constexpr float kHwgqSteps[] = {0.799f, 0.538f, 0.3217f, 0.185f};

class Hwgq final : public FakeQuantizer {
 public:
  explicit Hwgq(int bits)
      : m_bits(bits), m_levels(static_cast<float>((1 << bits) - 1)), m_step(kHwgqSteps[bits - 1]) {}
  std::string name() const override { return "hwgq"; }
  int bits() const override { return m_bits; }

  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length(name(), x, y.size(), channels);
    const float step = m_step, levels = m_levels;  // locals: y cannot alias them
    for_each_index(static_cast<int64_t>(x.size()),
                   [=](int64_t i) { y[i] = code(x[i], step, levels) * step; });
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length(name(), x, dy.size(), channels);
    row_length(name(), x, dx.size(), channels);
    const float clip = m_levels * m_step;
    for_each_index(static_cast<int64_t>(x.size()), [=](int64_t i) {
      const float v = x[i];
      dx[i] = masked((v > 0.f) & (v <= clip), dy[i]);
    });
  }
  Quantized to_integer(std::span<const float> x, int64_t channels) const override {
    const int64_t row = row_length(name(), x, x.size(), channels);
    check_finite(name(), x);
    IntTensor values({channels, row});
    const float step = m_step, levels = m_levels;
    for_each_index(values.size(),
                   [&](int64_t i) { values[i] = static_cast<int32_t>(code(x[i], step, levels)); });
    return {std::move(values), QuantParams::uniform(m_bits, false, m_step, 0)};
  }
  std::optional<QuantParams> output_params() const override {
    return QuantParams::uniform(m_bits, false, m_step, 0);
  }

 private:
  // The level index as a float (an exact small integer): 0 for x <= 0, else the nearest
  // level, at most `levels`.
  static float code(float x, float step, float levels) {
    return round_half_even(std::clamp(x / step, 0.f, levels));
  }
  int m_bits;
  float m_levels;  // 2^k - 1
  float m_step;
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_hwgq(const QuantizerSpec& spec) {
  return std::make_unique<Hwgq>(spec.bits);
}

}  // namespace qasim::kernels::qat::detail
