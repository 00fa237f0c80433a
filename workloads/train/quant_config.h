// Which fake quantizer every tensor of a network gets, from the --quant spec string.
//
// Spec syntax (documented in `qasim train --help`):
//   fp                         float training; evaluation and export quantize to 8 bits
//                              (per-channel weights, EMA activation ranges): a W8A8
//                              post-training quantization of the float model
//   METHOD:wNaM                METHOD for weights (N bits) and activations (M bits)
//   WMETHOD:wN+AMETHOD:aM      different methods for weights and activations
//   ...+GMETHOD:gK             adds a gradient quantizer (e.g. dorefa:g8) on the gradients
//                              flowing back into every conv/fc layer
// Method names are those of kernels/qat make_quantizer (dorefa, pact, lsq, twn, ...).
//
// Placement: every learned conv/fc weight gets the weight method, except layers whose bits
// differ from the method's (--first-bits/--last-bits, per-layer overrides), which get
// uniform per-channel min/max weights; every output after a ReLU-like
// activation gets the activation method; outputs without one (residual branches before
// their add, the logits) are signed and get an 8-bit EMA-range quantizer (at least the
// activation bits), as the QAT papers keep them in high precision; averages (pools) get an
// 8-bit EMA quantizer; residual adds take an EMA range at the activation bits when the
// method's range is fixed (DoReFa, HWGQ), which would saturate the residual stream; max
// pools and option-A shortcuts keep their input's grid.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "kernels/qat/fake_quantizer.h"
#include "workloads/graph.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads::train {

struct TensorMethod {
  std::string method;
  int bits = 0;
};

struct QuantConfig {
  bool float_model = false;  // "fp"
  TensorMethod weight, activation;
  std::optional<TensorMethod> gradient;
  int first_bits = 0;  // weight bits of the first/last weighted layer; 0 keeps the body's
  int last_bits = 0;
  std::map<std::string, LayerPrecision> layer_precision;  // per-layer overrides by name

  std::string describe() const;  // canonical text, part of the training config hash
};

// Throws InputError (where = "--quant") naming what is wrong with the spec.
QuantConfig parse_quant_spec(const std::string& spec);

// The quantizers of one layer; null where the tensor is not quantized.
struct LayerQuantizers {
  std::unique_ptr<kernels::qat::FakeQuantizer> weight, activation, gradient;
  bool signed_output = true;  // the output grid is signed (no ReLU before it)
};

// Builds layer i's quantizers for `graph` (shapes inferred). Throws InputError naming the
// layer when a method does not accept its role and bits, or an override names no layer.
std::vector<LayerQuantizers> make_quantizers(const Graph& graph, const QuantConfig& config);

}  // namespace qasim::workloads::train
