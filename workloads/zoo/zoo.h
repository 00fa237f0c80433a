// Model zoo: the classic CNNs as quantized graphs, with per-layer mixed precision and
// (optionally) deterministic random quantized weights, so the simulator can run every
// architecture without a trained model. Trained weights come from ONNX import instead.
//
// Layer names follow torchvision (conv1, layer1.0.conv2, features.3, classifier.6, ...)
// so per-layer overrides and imported ONNX models use the same names.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernels/quant.h"
#include "workloads/graph.h"

namespace qasim::workloads {

// Precision of one layer; an empty field keeps what the global options give.
struct LayerPrecision {
  std::optional<int> weight_bits;
  std::optional<int> activation_bits;  // bits of the layer's output
  std::optional<kernels::Scheme> scheme;
};

struct ZooOptions {
  // Input shape and classes; 0 takes the model's default (ZooEntry).
  int input_channels = 0;
  int input_height = 0;
  int input_width = 0;
  int num_classes = 0;
  double width_multiplier = 1.0;  // scales every hidden channel count (not the classes)

  int weight_bits = 8;      // every weighted layer unless overridden
  int activation_bits = 8;  // every layer output unless overridden
  int input_bits = 8;       // the input image: unsigned, scale 1/(2^bits - 1) (1/255 at 8)
  kernels::Scheme weight_scheme = kernels::Scheme::Uniform;
  // Weight bits of the first and last weighted layer (the last also sets the bits of the
  // logits). 0: 8 bits when weight_bits < 8, else weight_bits (the usual convention of
  // keeping the first and last layer at 8 bits). A first/last layer whose bits differ
  // from weight_bits uses uniform quantization (a binary net keeps an int8 first layer).
  int first_layer_bits = 0;
  int last_layer_bits = 0;
  // Per-layer overrides by layer name ("input" sets the input bits); they win over all
  // of the above. An unknown name is an error, so typos are not silently ignored.
  std::map<std::string, LayerPrecision> layer_precision;

  uint64_t seed = 1;  // random weights: same seed, same options -> identical graph
};

struct ZooEntry {
  std::string name;
  std::string description;
  Shape3 default_input;
  int default_classes = 0;
  std::string dataset;     // what it suits: "imagenet", "cifar10", "mnist"
  int min_input_size = 1;  // smallest square input the architecture accepts
};

std::vector<ZooEntry> zoo_list();
// Throws InputError for an unknown name, contradictory options, or an input shape the
// architecture cannot take (naming the layer where it stops fitting).
const ZooEntry& zoo_entry(const std::string& name);

// Builds the network. Without weights the graph is shape-only (weights empty) but every
// layer still carries its quantization, so MAC/parameter/bit counts and the hardware
// compilers work; with weights, each weighted layer gets seeded He-style random weights
// quantized in its scheme, int32 biases, and analytically estimated activation scales
// (to be refined by calibration).
Graph make_zoo_model(const std::string& name, const ZooOptions& options, bool with_weights);

// Counted the way the papers count: only layers with learned weights (the fixed 0/1
// selection of an option-A shortcut is neither a parameter nor a multiply).
int64_t learned_params(const Graph& graph);
int64_t learned_macs(const Graph& graph);

}  // namespace qasim::workloads
