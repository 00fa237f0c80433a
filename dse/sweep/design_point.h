// A design point of a sweep: one accelerator configuration and one precision assignment
// of one workload, with the canonical config text that determines its result and the
// hash that keys it in the result store.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arch/accelerator.h"
#include "dse/sweep/training_recipe.h"

namespace qasim::dse {

// What is run and how accuracy is measured; shared by every point of a sweep.
struct Workload {
  std::string model;                      // zoo:NAME or path/to/model.onnx
  std::string dataset = "fashion-mnist";  // as `qasim infer --dataset`
  int64_t images = 1000;                  // test images for accuracy (0: the whole split)
  double width = 1.0;                     // zoo models: channel width multiplier
  uint64_t seed = 1;                      // zoo models: seed of the (untrained) weights
  // Zoo models: a folder of models made by `qasim train`, one per precision, named by the
  // precision's label (w4a4.onnx); a precision without one runs untrained. Resolved
  // against the spec's folder; empty: none.
  std::string trained;
  std::string trained_as_written;  // the spec's text, what the config hash covers
  // Zoo models: how the sweep trains the precisions `trained` lacks (the spec's
  // `training:`); none: they run untrained.
  std::optional<TrainingRecipe> training;
  bool is_zoo() const { return model.rfind("zoo:", 0) == 0; }
  std::string canonical() const;
};

// Weight/activation bits of one layer in a mixed-precision assignment (0: the default).
struct LayerBits {
  int wbits = 0;
  int abits = 0;
  auto operator<=>(const LayerBits&) const = default;
};

// How a zoo model is quantized. wbits 1 means binary weights (sign, per-channel alpha);
// 2..16 use `scheme`. The first and last weighted layers keep `first_last_bits` (0: 8 bits
// when wbits < 8, the usual convention). `layers` overrides single layers by name.
// An imported ONNX model keeps its own precision: `as_model` is set and the rest unused.
struct PrecisionAssignment {
  bool as_model = false;
  int wbits = 8;
  int abits = 8;
  std::string scheme = "uniform";
  std::string method = "none";  // quantization-aware training method, for the trainer
  int first_last_bits = 0;
  std::map<std::string, LayerBits> layers;
  // A Deep Compression point (the spec's `compression:` section, for sparse accelerators
  // such as eie): every weighted layer magnitude-pruned to `density` and its survivors
  // shared into 2^wbits - 1 values plus zero (a wbits-bit codebook index); scheme codebook.
  bool compressed = false;
  double density = 1.0;

  std::string label() const;      // "w4a8", "w8a8-d30-c4", "mixed w4.5a6.0 3f2a1c", "model"
  std::string canonical() const;  // YAML, keys in a fixed order
};

// A registered accelerator preset with parameter overrides.
struct ArchConfig {
  std::string preset;
  std::vector<std::pair<std::string, std::string>> overrides;  // key -> YAML scalar, sorted
  // Filled by resolve_arch(): the accelerator's full params and numerics.
  std::string resolved_params;
  std::string numerics;

  std::string label() const;        // "nvdla_small" or "nvdla_small{atomic_k=16}"
  std::string params_file() const;  // "preset: NAME\nkey: value\n..."
};

// Builds the accelerator (a temporary params file carries the overrides through
// arch::make_accelerator). Throws InputError (bad value) or std::invalid_argument (name).
std::unique_ptr<arch::Accelerator> make_arch(const ArchConfig& config);
// make_arch() and fills resolved_params and numerics.
void resolve_arch(ArchConfig& config);

struct DesignPoint {
  ArchConfig arch;
  PrecisionAssignment precision;
  std::string mode;          // "fast" or "cycle"
  std::string config_text;   // canonical YAML of everything that determines the result
  std::string hash;          // config_hash(config_text)
  std::string accuracy_key;  // hash of workload + precision + numerics: shared across archs
};

// Fills config_text, hash and accuracy_key. `arch` must be resolved.
DesignPoint make_point(const Workload& workload, const std::string& mode, const ArchConfig& arch,
                       const PrecisionAssignment& precision);

}  // namespace qasim::dse

#include <nlohmann/json.hpp>

namespace qasim::dse {

// A point as JSON (sent to MPI workers) and back; from_json throws json::exception.
nlohmann::json point_to_json(const DesignPoint& point);
DesignPoint point_from_json(const nlohmann::json& j);

}  // namespace qasim::dse
