// The training loop: epochs of shuffled, augmented mini-batches, evaluation of the
// fake-quantized float model on the test set after every epoch, a checkpoint after every
// epoch (written atomically) from which `resume` continues exactly as if never stopped
// (model, optimizer, quantizer state, random generator and learning curve are all in it).
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "workloads/datasets/dataset.h"
#include "workloads/graph.h"
#include "workloads/train/backend.h"
#include "workloads/train/batches.h"
#include "workloads/train/model.h"
#include "workloads/train/optimizer.h"
#include "workloads/train/quant_config.h"

namespace qasim::workloads::train {

struct TrainConfig {
  int epochs = 1;
  int64_t batch = 128;
  OptimizerConfig optimizer;  // total_steps and warmup_steps are derived from the epochs
  double warmup_epochs = 0;
  AugmentConfig augment;
  uint64_t seed = 1;
  int64_t train_images = 0;  // 0: the whole training set, else its first N images
  int64_t test_images = 0;   // 0: the whole test set

  std::string describe() const;  // canonical text for the config hash
};

struct EpochRecord {
  int epoch = 0;                                                 // 1-based
  double train_loss = 0, train_accuracy = 0, test_accuracy = 0;  // accuracies in percent
  double lr = 0;                                                 // at the end of the epoch
  double seconds = 0;  // training time of the epoch (without evaluation)
  double images_per_second = 0;
};

struct StepInfo {
  int epoch = 0;
  int64_t step = 0, steps = 0;  // within the epoch
  double loss = 0, accuracy = 0, images_per_second = 0;
};

class Trainer {
 public:
  // `config_text` identifies the whole run (model, dataset, quantization, recipe): a
  // checkpoint of another configuration is refused on resume.
  Trainer(const Graph& structure, const QuantConfig& quant, TrainConfig config,
          const Dataset& train, const Dataset& test, Backend& backend, std::string config_text);

  // Loads `checkpoint_path` when it exists; returns the number of epochs it had done.
  int resume(const std::string& checkpoint_path);
  // Trains the remaining epochs; after each, evaluates, calls on_epoch and writes the
  // checkpoint (when the path is not empty).
  void run(const std::string& checkpoint_path, const std::function<void(const StepInfo&)>& on_step,
           const std::function<void(const EpochRecord&)>& on_epoch);

  // Top-1 accuracy (percent) of the fake-quantized float model, evaluation mode.
  double evaluate(const Dataset& data, int64_t limit, int64_t batch);

  TrainModel& model() { return m_model; }
  const std::vector<EpochRecord>& curve() const { return m_curve; }
  int64_t train_count() const;

 private:
  void save_checkpoint(const std::string& path) const;

  TrainConfig m_config;
  const Dataset& m_train;
  const Dataset& m_test;
  std::string m_config_text;
  TrainModel m_model;
  Optimizer m_optimizer;
  std::mt19937 m_rng;
  std::vector<EpochRecord> m_curve;
};

// Writes `text` to `path` through a temporary file and a rename.
void write_atomically(const std::string& path, const std::string& text);

}  // namespace qasim::workloads::train
