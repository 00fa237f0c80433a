// Deep Compression (Han et al., ICLR 2016) of a trained integer model, on the trainer:
//
// 1. The starting point is the model the trainer exported (BatchNorm already folded, so
//    each layer is conv + bias and one codebook per layer can hold its weights). Its
//    dequantized weights and biases become a float TrainModel whose activations are
//    quantized as `activations` says (e.g. int:w8a8's 8-bit EMA grids); a few training-mode
//    forward passes set the activation ranges.
// 2. Iterative magnitude pruning: after step k = 1..K every layer keeps density^(k/K) of its
//    weights (exactly round(d * n) of them, chosen among the previous step's survivors), then
//    `prune_epochs` of fine-tuning with the mask on the weights and their gradients
//    (PrunedWeightQuantizer), so a pruned weight stays zero.
// 3. Weight sharing: per layer, k-means with linear initialisation over the surviving
//    weights, 2^b - 1 clusters (index 0 of the codebook is zero, as EIE has it).
// 4. `share_epochs` of fine-tuning of the centroids only (each centroid's gradient is the
//    sum of its members' gradients; biases and activation ranges train too), with the
//    centroids snapped to the integer codebook grid in every forward pass
//    (SharedWeightQuantizer), so the final float model is the integer model.
// 5. Export: the integer graph with Codebook weights; its golden accuracy.
// Huffman coding (the paper's last stage) changes storage, not values: not done.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workloads/datasets/dataset.h"
#include "workloads/graph.h"
#include "workloads/train/backend.h"
#include "workloads/train/compress_config.h"
#include "workloads/train/quant_config.h"
#include "workloads/train/trainer.h"

namespace qasim::workloads::train {

struct CompressCallbacks {
  // A new phase ("prune 1/3", "share") begins with `steps` optimizer steps in all.
  std::function<void(const std::string& phase, int64_t steps)> on_phase;
  std::function<void(const StepInfo&)> on_step;
  std::function<void(const std::string& phase, const EpochRecord&)> on_epoch;
  // A fake-quant test accuracy between phases: "base", "pruned", "shared".
  std::function<void(const std::string& stage, double accuracy)> on_accuracy;
};

struct PhaseRecord {
  std::string phase;
  EpochRecord epoch;
};

struct CompressResult {
  Graph graph;                              // the compressed integer model
  std::vector<LayerPlan> plan;              // the targets
  double base_accuracy = 0;                 // fake-quant, the starting model after calibration
  double pruned_accuracy = 0;               // fake-quant, after pruning and its fine-tuning
  double shared_accuracy = 0;               // fake-quant, right after k-means (before fine-tuning)
  double fake_quant_accuracy = 0;           // fake-quant, the final model
  std::vector<PhaseRecord> curve;           // every fine-tuning epoch
  std::vector<std::vector<uint8_t>> masks;  // per plan entry: 1 = weight kept by pruning
};

// Runs steps 1-5 (the golden accuracy is left to the caller: golden_accuracy(result.graph)).
// `base`: an integer graph with weights (the trainer's export, or any model whose weighted
// layers are per-channel or per-tensor affine); `activations`: its quantization spec (the
// weight part is replaced by the compression). Throws InputError for a bad config or a base
// without weights.
CompressResult compress(const Graph& base, const QuantConfig& activations,
                        const CompressConfig& config, const Dataset& train, const Dataset& test,
                        Backend& backend, const CompressCallbacks& callbacks = {});

// Storage as Han et al. count it (per layer, then summed over learned conv/FC layers; biases
// and the structural shortcut weights left out on both sides):
//   dense bits      = 32 * weights
//   compressed bits = (non-zeros + padding) * (index bits + 4) + codebook entries * value bits
// where the 4-bit relative index (zeros before an entry) runs over the weights flattened
// row-major ([OC, IC*KH*KW]) and a gap of more than 15 zeros costs a padding entry per 16
// zeros skipped; index bits = the codebook index width (Codebook layers) or the weight
// bits (others, with no codebook). The CSC column pointers are not counted (the paper's
// compression rates leave them out too; EIE's pointer SRAM is in its own inventory).
struct LayerStorage {
  std::string name;
  int64_t weights = 0, nonzero = 0, padding = 0;
  int index_bits = 0, codebook_entries = 0, distinct_nonzero = 0;
  int64_t dense_bits = 0, compressed_bits = 0;
  double density() const { return weights ? static_cast<double>(nonzero) / weights : 0.0; }
};
std::vector<LayerStorage> compressed_storage(const Graph& graph, int value_bits);

}  // namespace qasim::workloads::train
