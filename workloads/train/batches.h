// Mini-batches of dataset images as the float CNHW input of a TrainModel, with the
// augmentations of the CIFAR ResNet recipe: random crop after zero padding, horizontal flip.
// Images are placed into the model's input size the way to_model_input does (centred,
// zero-padded or cropped; gray replicated to 3 channels), and a pixel p becomes
// p * input_scale, the real value of the integer the golden engine is given, so the
// float model sees exactly what the exported integer model sees.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "workloads/datasets/dataset.h"
#include "workloads/graph.h"

namespace qasim::workloads::train {

struct AugmentConfig {
  int crop_padding = 0;  // random crop of the image zero-padded by this many pixels
  bool flip = false;     // mirror left-right with probability 1/2
};

// Images order[first .. first + count) into `images` [C, count, H, W] and their labels.
// `rng` null: no augmentation (evaluation).
void make_batch(const Dataset& data, const std::vector<int64_t>& order, int64_t first,
                int64_t count, const Graph& model, const AugmentConfig& augment, std::mt19937* rng,
                std::vector<float>& images, std::vector<int32_t>& labels);

}  // namespace qasim::workloads::train
