#include "workloads/train/builtin_quantizers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qasim::workloads::train {

using kernels::QuantParams;

namespace {

int32_t qmax_of(int bits, bool is_signed) {
  return is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
}

// s * clamp(round_half_even(x / s), lo, hi), the division in float as QuantizeLinear.
float fake(float x, float s, int32_t lo, int32_t hi) {
  const float q = std::nearbyint(x / s);
  return s * std::clamp(q, static_cast<float>(lo), static_cast<float>(hi));
}

void check_bits(int bits) {
  if (bits < 2 || bits > 16)
    throw std::invalid_argument("built-in quantizer: bits must be 2..16, got " +
                                std::to_string(bits));
}

}  // namespace

RangeQuantizer::RangeQuantizer(int bits, bool is_signed, bool observe_only, float momentum)
    : m_bits(bits), m_signed(is_signed), m_observe_only(observe_only), m_momentum(momentum) {
  check_bits(bits);
}

QuantParams RangeQuantizer::params() const {
  const int32_t qmax = qmax_of(m_bits, m_signed);
  const float range = m_initialized && m_max > 0 ? m_max : 1.f;
  return QuantParams::uniform(m_bits, m_signed, range / static_cast<float>(qmax), 0);
}

void RangeQuantizer::forward(std::span<const float> x, std::span<float> y, int64_t /*channels*/,
                             bool training, std::mt19937& /*rng*/) {
  if (training) {
    float mx = 0.f;
    for (float v : x) mx = std::max(mx, m_signed ? std::fabs(v) : v);
    m_max = m_initialized ? (1 - m_momentum) * m_max + m_momentum * mx : mx;
    m_initialized = true;
    if (m_observe_only) {
      std::copy(x.begin(), x.end(), y.begin());
      return;
    }
  }
  const QuantParams q = params();
  const float s = q.scale[0];
  const int32_t lo = q.qmin(), hi = q.qmax();
#pragma omp parallel for schedule(static) if (x.size() > 65536)
  for (size_t i = 0; i < x.size(); ++i) y[i] = fake(x[i], s, lo, hi);
}

void RangeQuantizer::backward(std::span<const float> x, std::span<const float> dy,
                              std::span<float> dx, int64_t /*channels*/) {
  if (m_observe_only) {
    std::copy(dy.begin(), dy.end(), dx.begin());
    return;
  }
  const QuantParams q = params();
  const float lo = q.scale[0] * static_cast<float>(q.qmin()),
              hi = q.scale[0] * static_cast<float>(q.qmax());
#pragma omp parallel for schedule(static) if (x.size() > 65536)
  for (size_t i = 0; i < x.size(); ++i) dx[i] = x[i] >= lo && x[i] <= hi ? dy[i] : 0.f;
}

kernels::Quantized RangeQuantizer::to_integer(std::span<const float> x, int64_t) const {
  const QuantParams q = params();
  kernels::IntTensor values({static_cast<int64_t>(x.size())});
  for (size_t i = 0; i < x.size(); ++i)
    values[static_cast<int64_t>(i)] = static_cast<int32_t>(
        std::clamp(std::nearbyint(x[i] / q.scale[0]), static_cast<float>(q.qmin()),
                   static_cast<float>(q.qmax())));
  return {std::move(values), q};
}

void RangeQuantizer::load_state(const std::vector<float>& state) {
  if (state.size() != 2) throw std::invalid_argument("ema quantizer: bad checkpoint state");
  m_initialized = state[0] != 0.f;
  m_max = state[1];
}

MinMaxWeightQuantizer::MinMaxWeightQuantizer(int bits, bool observe_only)
    : m_bits(bits), m_observe_only(observe_only) {
  check_bits(bits);
}

void MinMaxWeightQuantizer::forward(std::span<const float> x, std::span<float> y, int64_t channels,
                                    bool training, std::mt19937&) {
  if (training && m_observe_only) {
    std::copy(x.begin(), x.end(), y.begin());
    return;
  }
  const kernels::Quantized q = to_integer(x, channels);
  const int64_t per = static_cast<int64_t>(x.size()) / channels;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = c * per; i < (c + 1) * per; ++i)
      y[static_cast<size_t>(i)] =
          q.params.scale[static_cast<size_t>(c)] * static_cast<float>(q.values[i]);
}

void MinMaxWeightQuantizer::backward(std::span<const float>, std::span<const float> dy,
                                     std::span<float> dx, int64_t) {
  // The range is the tensor's own max, so nothing is clipped: straight through.
  std::copy(dy.begin(), dy.end(), dx.begin());
}

kernels::Quantized MinMaxWeightQuantizer::to_integer(std::span<const float> x,
                                                     int64_t channels) const {
  const int32_t qmax = qmax_of(m_bits, true);
  const int64_t per = static_cast<int64_t>(x.size()) / channels;
  std::vector<float> scales(static_cast<size_t>(channels));
  kernels::IntTensor values({static_cast<int64_t>(x.size())});
  for (int64_t c = 0; c < channels; ++c) {
    float mx = 0.f;
    for (int64_t i = c * per; i < (c + 1) * per; ++i)
      mx = std::max(mx, std::fabs(x[static_cast<size_t>(i)]));
    const float s = mx > 0 ? mx / static_cast<float>(qmax) : 1.f;
    scales[static_cast<size_t>(c)] = s;
    for (int64_t i = c * per; i < (c + 1) * per; ++i)
      values[i] =
          static_cast<int32_t>(std::clamp(std::nearbyint(x[static_cast<size_t>(i)] / s),
                                          static_cast<float>(-qmax), static_cast<float>(qmax)));
  }
  QuantParams q = channels > 1 ? QuantParams::uniform_per_channel(m_bits, scales)
                               : QuantParams::uniform(m_bits, true, scales[0], 0);
  return {std::move(values), q};
}

}  // namespace qasim::workloads::train
