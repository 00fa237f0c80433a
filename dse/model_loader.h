// What every command that takes a model or a dataset shares: the flags, and turning
// them into a Graph (zoo:NAME or an .onnx file) or a Dataset.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dse/cli_common.h"
#include "workloads/datasets/dataset.h"
#include "workloads/graph.h"
#include "workloads/zoo/zoo.h"

namespace qasim::dse {

struct ModelOptions {
  std::string spec;         // zoo:NAME or path/to/model.onnx
  std::string input_shape;  // CxHxW, zoo models only
  int classes = 0;
  double width = 1.0;
  int wbits = 8;
  int abits = 8;
  std::string scheme = "uniform";
  int first_bits = 0;
  int last_bits = 0;
  std::string precision_file;  // YAML: layer name -> {wbits, abits, scheme}
  // Per-layer precision given in code (the sweep driver); wins over precision_file.
  std::map<std::string, workloads::LayerPrecision> layer_precision;
  uint64_t seed = 1;

  void add_to(po::options_description& options);
  bool is_zoo() const { return spec.rfind("zoo:", 0) == 0; }
};

struct DatasetOptions {
  std::string spec =
      "fashion-mnist";  // fashion-mnist | idx:IMAGES,LABELS | cifar10:DIR | synthetic
  std::string split = "test";
  void add_to(po::options_description& options);
};

// Builds or imports the model. Zoo models with weights get seeded random weights and
// their activation scales calibrated on `calibration` (or on synthetic images when null);
// when the input shape is not given, a zoo model takes the shape and classes of `fit_to`.
workloads::Graph load_model(const ModelOptions& options, bool with_weights,
                            const workloads::Dataset* fit_to = nullptr);
workloads::Dataset load_dataset(const DatasetOptions& options);
// The per-layer precision YAML (layer: {wbits, abits, scheme}); InputError naming the place.
std::map<std::string, workloads::LayerPrecision> read_layer_precision(const std::string& path);

}  // namespace qasim::dse
