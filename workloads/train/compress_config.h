// What `qasim compress` does to each layer: Deep Compression's targets (Han et al. 2016).
//
// Every learned conv/FC layer is pruned to a weight density and weight-shared with a
// codebook index of `codebook_bits` bits. The index is EIE's (arch/eie): index 0 stands for
// zero, so a b-bit index leaves 2^b - 1 shared non-zero weights (k-means clusters) per layer.
// One global density and index width, per-layer overrides by layer name. The first learned
// layer is not pruned unless `prune_first` (its density override wins either way): on a
// ResNet it holds a fraction of a percent of the weights, sees the raw image through few
// input channels, and Han et al. pruned first layers the least (AlexNet conv1 kept 84 %);
// it is still weight-shared, because an EIE layer can hold at most 2^b - 1 distinct weights.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workloads/graph.h"
#include "workloads/train/trainer.h"

namespace qasim::workloads::train {

struct LayerCompressionOverride {
  std::optional<double> density;
  std::optional<int> codebook_bits;
};

struct CompressConfig {
  double density = 0.3;   // fraction of each layer's weights kept
  int codebook_bits = 4;  // codebook index bits: 2^bits - 1 shared non-zero weights
  bool prune_first = false;
  std::map<std::string, LayerCompressionOverride> layers;
  int prune_steps = 3;   // iterative pruning: density^(k/steps) after step k = 1..steps
  int prune_epochs = 1;  // fine-tuning epochs after each pruning step
  int share_epochs = 1;  // fine-tuning epochs of the shared centroids
  int value_bits = 8;    // signed width of the integer codebook entries
  // Peak learning rate of the centroid fine-tuning. A centroid's gradient sums thousands of
  // members' gradients: 1e-3 made a ResNet-20 diverge in one epoch, 1e-4 did not.
  double share_lr = 1e-4;
  int64_t calibration_batches = 8;  // training-mode forward passes that set activation ranges
  // Batch, optimizer (lr: the pruning fine-tuning's), augmentation, seed and image limits;
  // its `epochs` is ignored.
  TrainConfig train;

  std::string describe() const;  // canonical text for the config hash
};

// One layer's targets.
struct LayerPlan {
  size_t layer = 0;
  std::string name;
  double density = 1.0;
  int codebook_bits = 4;
};

// The density a layer with final density `target` keeps after pruning step k of `steps`:
// target^(k/steps) (a geometric schedule: each step prunes the same fraction of the
// survivors), exactly `target` at the last step.
double scheduled_density(double target, int step, int steps);

// The targets of every learned conv/FC layer of `graph`, in graph order. Throws InputError
// (where = "compression config") for a density outside (0, 1], codebook bits outside
// [1, 8], value bits outside [2, 16], prune steps < 1, epochs < 0, or an override naming no
// learned layer.
std::vector<LayerPlan> plan_compression(const Graph& graph, const CompressConfig& config);

}  // namespace qasim::workloads::train
