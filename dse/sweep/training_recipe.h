// The sweep spec's `training:` section: how the sweep trains the precisions that the
// workload's `trained:` folder lacks, with `qasim train`'s trainer and its cache by config
// hash (dse/training/train_cached.h). The recipe is part of every point's config (its
// hash); the cache folder and the thread count are not (where and how fast, not what).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qasim::dse {

// The QAT methods (kernels/qat make_quantizer names, plus the trainer's own `minmax` for
// weights and `ema` for activations) used at one bit width.
struct BitsMethods {
  std::string weights, activations;
};

struct TrainingRecipe {
  std::map<int, BitsMethods> methods;  // bits -> methods; a width not listed takes
                                       // precision.method (when it is not `none`)
  int epochs = 1;
  int64_t train_images = 0;  // the first N training images (0: all)
  int64_t batch = 128;
  double lr = 0.1;  // peak (cosine schedule), SGD with momentum 0.9, weight decay 5e-4
  int crop_padding = 0;
  bool flip = false;
  uint64_t seed = 1;  // initial weights, batch order, augmentation
  // Trainer threads (1: the same model on any machine; the training kernels are
  // deterministic for a fixed thread count only).
  int threads = 1;
  std::string cache_dir;         // resolved; empty until the sweep sets its default
  std::string cache_as_written;  // the spec's text (empty: the default, beside the store)

  std::string canonical() const;  // YAML, keys in a fixed order; no cache, no threads
  // Weight method of `wbits` and activation method of `abits` (`default_method` for a width
  // `methods` does not list).
  BitsMethods methods_for(int wbits, int abits, const std::string& default_method) const;
};

// Parses `training:` (node) of `source`. `wbits`/`abits` are the spec's bit choices and
// `default_method` its precision.method: every choice needs a method that accepts it.
// Throws workloads::InputError naming the file, line and column.
TrainingRecipe parse_training_recipe(const YAML::Node& node, const std::string& source,
                                     const std::vector<int>& wbits, const std::vector<int>& abits,
                                     const std::string& default_method);

}  // namespace qasim::dse
