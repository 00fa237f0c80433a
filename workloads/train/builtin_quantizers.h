// The trainer's own fake quantizers for the tensors no QAT method claims:
//  - RangeQuantizer ("ema"): uniform, per tensor, range from an exponential moving average
//    of the batch min/max (Jacob et al. 2018). Used for outputs without a ReLU (residual
//    branches before their add, logits), for pooled averages, and for every activation of
//    a float ("fp") model, whose export is then an 8-bit post-training quantization.
//  - MinMaxWeightQuantizer ("minmax"): symmetric, per output channel, scale max|w| / qmax;
//    the weights of a float model at export, and first/last layers whose bits the weight
//    method does not support.
// Both round half to even (ONNX QuantizeLinear) and back-propagate straight through inside
// the range and zero outside it. With `observe_only`, training passes values through
// untouched (a float model) and only evaluation and export quantize.
#pragma once

#include "kernels/qat/fake_quantizer.h"

namespace qasim::workloads::train {

class RangeQuantizer : public kernels::qat::FakeQuantizer {
 public:
  // Signed: symmetric about zero, zero point 0; unsigned: [0, max], zero point 0.
  RangeQuantizer(int bits, bool is_signed, bool observe_only, float momentum = 0.01f);
  std::string name() const override { return "ema"; }
  int bits() const override { return m_bits; }
  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override;
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override;
  kernels::Quantized to_integer(std::span<const float> x, int64_t channels) const override;
  std::optional<kernels::QuantParams> output_params() const override { return params(); }
  std::vector<float> state() const override { return {m_initialized ? 1.f : 0.f, m_max}; }
  void load_state(const std::vector<float>& state) override;

  kernels::QuantParams params() const;  // the grid the running range gives now

 private:
  int m_bits;
  bool m_signed, m_observe_only;
  float m_momentum;
  bool m_initialized = false;
  float m_max = 0.f;  // EMA of max|x| (signed) or max(x, 0) (unsigned)
};

class MinMaxWeightQuantizer : public kernels::qat::FakeQuantizer {
 public:
  MinMaxWeightQuantizer(int bits, bool observe_only);
  std::string name() const override { return "minmax"; }
  int bits() const override { return m_bits; }
  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override;
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override;
  kernels::Quantized to_integer(std::span<const float> x, int64_t channels) const override;

 private:
  int m_bits;
  bool m_observe_only;
};

}  // namespace qasim::workloads::train
