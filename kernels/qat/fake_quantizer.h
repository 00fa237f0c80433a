// The contract between the trainer and the quantization-aware-training methods.
//
// A FakeQuantizer is one named method (DoReFa, PACT, LSQ, ...) applied to one tensor of one
// layer: a layer's weights, its output activations, or the gradient flowing back into it.
// The trainer calls forward() to get the values on the method's quantization grid (as
// floats), backward() to turn dL/dy into dL/dx by the method's rule (STE, clipped STE,
// gradients of learned scales), and to_integer() at export to get the integers and the
// QuantParams (real = scale * (value - zero_point)) that the golden integer reference runs.
// forward() and to_integer() agree: dequantizing to_integer(x) gives forward(x)'s values
// (up to float rounding of the final multiply).
//
// Layout: a tensor is `channels` contiguous rows of equal length (weights [OC, ...] with
// channels = OC; activations and gradients [N, ...] with channels = 1 unless the method is
// per channel). Constants come from ../shared/REFERENCES.md; each method cites its paper.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kernels/quantizers.h"

namespace qasim::kernels::qat {

enum class Role { Weight, Activation, Gradient };

// A value the method learns (PACT alpha, LSQ step, TTQ Wp/Wn): the trainer's optimizer
// updates `value` from `grad` like any weight. backward() accumulates into grad.
struct LearnedParam {
  std::string name;  // "alpha", "step", "wp", "wn"
  std::vector<float>* value = nullptr;
  std::vector<float>* grad = nullptr;
  float weight_decay = 0.f;  // the method's own L2 (PACT); 0 means the optimizer's default
};

class FakeQuantizer {
 public:
  virtual ~FakeQuantizer() = default;
  virtual std::string name() const = 0;  // "dorefa", "pact", ...
  virtual int bits() const = 0;

  // y = Q(x). `training` lets the method update running state (EMA ranges) and draw
  // stochastic decisions from `rng`; evaluation is deterministic.
  virtual void forward(std::span<const float> x, std::span<float> y, int64_t channels,
                       bool training, std::mt19937& rng) = 0;
  // dx from dy for the x of the last forward(); accumulates the learned params' grads.
  virtual void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                        int64_t channels) = 0;
  virtual std::vector<LearnedParam> learned_params() { return {}; }

  // Integer form of forward(x, training = false): the values the accelerator sees and
  // their QuantParams. Gradient quantizers have none (std::logic_error).
  virtual Quantized to_integer(std::span<const float> x, int64_t channels) const = 0;

  // Running state (EMA ranges, learned params) for checkpoints, as a flat list.
  virtual std::vector<float> state() const { return {}; }
  virtual void load_state(const std::vector<float>& /*state*/) {}
};

struct QuantizerSpec {
  std::string method;  // see method_names()
  Role role = Role::Weight;
  int bits = 8;
  // Method options with their literature defaults: "stochastic" (BinaryConnect, fixed
  // point), "frac_bits" (fixed point), "per_channel" (weights).
  bool stochastic = false;
  int frac_bits = -1;  // -1: chosen from the tensor's range
  bool per_channel = false;
};

// Every method name make_quantizer accepts, with the roles and bit widths it supports.
std::vector<std::string> method_names();
// Throws std::invalid_argument naming the method, role and bits when they do not go together.
std::unique_ptr<FakeQuantizer> make_quantizer(const QuantizerSpec& spec);

}  // namespace qasim::kernels::qat
