// Training with a cache keyed by the training config's hash, shared by `qasim train` and
// the sweep's `training:` section: a model, dataset, quantization and recipe train once;
// every later request with the same config copies the cached integer model instead.
// A cache entry is HASH/model.onnx + HASH/summary.json; summary.json is written last, so
// an entry with both files is complete.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "dse/model_loader.h"
#include "workloads/datasets/dataset.h"
#include "workloads/train/backend.h"
#include "workloads/train/quant_config.h"
#include "workloads/train/trainer.h"

namespace qasim::dse {

// FNV-1a 64 of `text`, as 16 hex digits: the config hash of trained and compressed models.
std::string hash_hex(const std::string& text);
// The train and test splits of a --dataset spec (UsageError for a one-split idx: spec).
std::pair<workloads::Dataset, workloads::Dataset> load_splits(const std::string& spec);

struct TrainRequest {
  ModelOptions model;  // the structure: zoo:NAME or .onnx, input shape, width, weight seed
  std::string dataset = "fashion-mnist";  // as `qasim train --dataset`
  std::string quant_spec;                 // as written (--quant), for messages and the summary
  workloads::train::QuantConfig quant;
  workloads::train::TrainConfig recipe;

  // Everything that determines the trained model, and its hash (the cache key).
  std::string config_text() const;
  std::string config_hash() const;
};

struct TrainPlace {
  std::string out;        // model.onnx, summary.json, curve.csv/.svg, checkpoint.bin
  std::string cache_dir;  // the cache's root folder
  bool use_cache = true;  // read and fill the cache
  bool resume = false;    // continue out/checkpoint.bin (a checkpoint of another config is refused)
};

struct TrainOutcome {
  bool from_cache = false;
  std::string hash;
  nlohmann::json summary;  // as written to summary.json
};

// The folder of a complete cache entry (model.onnx and summary.json), if there is one.
std::optional<std::filesystem::path> cached_entry(const std::string& cache_dir,
                                                  const std::string& hash);

// When the cache has the request's model, copies it (and its summary) into place.out;
// otherwise trains on `backend` with OpenMP's current thread count, printing progress,
// writes place.out and fills the cache. Throws InputError or UsageError for bad input.
TrainOutcome train_or_reuse(const TrainRequest& request, const TrainPlace& place,
                            workloads::train::Backend& backend);

}  // namespace qasim::dse
