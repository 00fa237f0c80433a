// The contract between the trainer and the quantization-aware-training methods.
//
// A FakeQuantizer is one named method (DoReFa, PACT, LSQ, ...) applied to one tensor of one
// layer: a layer's weights, its output activations, or the gradient flowing back into it.
// The trainer calls forward() to get the values on the method's quantization grid (as
// floats), backward() to turn dL/dy into dL/dx by the method's rule (STE, clipped STE,
// gradients of learned scales), and to_integer() at export to get the integers and the
// QuantParams (real = scale * (value - zero_point)) that the golden integer reference runs.
// forward() and to_integer() agree: dequantizing to_integer(x) gives forward(x, training =
// false)'s values bit for bit (every method computes the integer, then scale * (value - zp)
// in float32 as kernels::dequantize does).
//
// Layout: a tensor is `channels` contiguous rows of equal length. Weights [OC, ...] pass
// channels = OC (per-filter methods such as XNOR-Net use the rows; per-tensor ones ignore
// them). Activations and gradients [N, ...] pass channels = N, one row per sample: DoReFa's
// gradient scale is per sample and LSQ's step-gradient scale needs the features per sample;
// every other activation method treats the tensor as a whole. The methods, their integer
// forms and their constants are listed in kernels/qat/README.md (from REFERENCES.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  // The bound the trainer clips latent (real-valued) weights to after each update:
  // BinaryConnect and BNN weights keep them in [-1, 1]. nullopt: no clipping.
  virtual std::optional<float> latent_clip() const { return std::nullopt; }

  // Integer form of forward(x, training = false): the values the accelerator sees and
  // their QuantParams. Gradient quantizers have none (std::logic_error).
  virtual Quantized to_integer(std::span<const float> x, int64_t channels) const = 0;
  // to_integer()'s QuantParams when they do not depend on the tensor, which is what an
  // exporter needs for activations (the golden reference runs them on one fixed grid).
  // nullopt when they do: data-dependent weight scales (XNOR, TWN, DoReFa k = 1, int),
  // fixed point with frac_bits = -1, int activations before their first training batch,
  // an uninitialised LSQ step, gradients, fp.
  virtual std::optional<QuantParams> output_params() const { return std::nullopt; }

  // Running state (EMA ranges, learned params) for checkpoints, as a flat list.
  virtual std::vector<float> state() const { return {}; }
  virtual void load_state(const std::vector<float>& /*state*/) {}
};

struct QuantizerSpec {
  std::string method;  // see method_names()
  Role role = Role::Weight;
  int bits = 8;
  // Method options with their literature defaults.
  bool stochastic = false;    // BinaryConnect, fixed point: stochastic rounding in training
  int frac_bits = -1;         // fixed point: n of Qm.n; -1: the largest n that holds max|x|
  bool per_channel = false;   // int, twn weights: one scale per row (xnor weights always are)
  int value_bits = 8;         // ttq: signed width of the codebook's integer images of Wp, Wn
  float ema_decay = 0.99f;    // int activations: decay of the running min/max
  float alpha_init = 10.f;    // pact: initial clipping level alpha
  float alpha_decay = 2e-4f;  // pact: L2 coefficient on alpha (LearnedParam::weight_decay)
};

// What make_quantizer accepts for one method.
struct MethodInfo {
  std::string name;
  std::vector<Role> roles;
  int min_bits = 1, max_bits = 16;  // supported bit widths, inclusive
  std::string summary;              // one line: what it does, its source
};

std::string to_string(Role role);                // "weight", "activation", "gradient"
Role role_from_string(const std::string& name);  // throws std::invalid_argument

// Every method make_quantizer accepts, with the roles and bit widths it supports.
std::vector<MethodInfo> methods();
std::vector<std::string> method_names();
// Throws std::invalid_argument naming the method, role and bits when they do not go together.
std::unique_ptr<FakeQuantizer> make_quantizer(const QuantizerSpec& spec);

}  // namespace qasim::kernels::qat
