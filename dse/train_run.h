// The training run of `qasim train`, shared with `qasim compress` (which trains its base
// model the same way when it is not given one): the flags, their checks, the config hash
// and cache, and the run itself (progress bar, checkpoints, export, summary).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "dse/cli_common.h"
#include "dse/model_loader.h"
#include "dse/training/train_cached.h"
#include "workloads/datasets/dataset.h"
#include "workloads/train/quant_config.h"

namespace qasim::dse {

struct TrainOptions {  // the flags of `qasim train`
  ModelOptions model;
  std::string dataset = "fashion-mnist";
  std::string quant = "fp";
  std::string out, cache_dir, device = "auto", optimizer = "sgd";
  int epochs = 1, threads = 0, crop_padding = 0;
  int64_t batch = 128, train_images = 0, test_images = 0;
  double lr = 0.1, momentum = 0.9, weight_decay = 5e-4, warmup_epochs = 0;
  bool nesterov = false, flip = false, resume = false, no_cache = false;
};

// Adds every flag of `qasim train` (model, data, quantization, recipe, device, output and
// cache) bound to `o`.
void add_train_options(po::options_description& options, TrainOptions& o);
// UsageError for impossible values.
void check_train_options(const TrainOptions& o);

// --quant with --first-bits, --last-bits and --precision applied.
workloads::train::QuantConfig train_quant_config(const TrainOptions& o);

// Trains (or copies the cached model of the same config) into o.out: model.onnx,
// summary.json, curve.csv/svg, checkpoint.bin. Returns the exit code.
int run_training(const TrainOptions& o);

}  // namespace qasim::dse
