#include "workloads/train/compress.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>

#include "kernels/qat/compression.h"
#include "workloads/errors.h"
#include "workloads/train/batches.h"
#include "workloads/train/compress_quantizers.h"
#include "workloads/train/export.h"

namespace qasim::workloads::train {

namespace qat = kernels::qat;

namespace {

// The base's structure as a network to fine-tune: its BatchNorm is already in the weights.
Graph training_structure(const Graph& base) {
  Graph g = base;
  for (Layer& l : g.layers) l.batchnorm_folded = false;
  g.infer_shapes();
  return g;
}

// The base's dequantized weights and biases into the float model.
void load_integer_weights(TrainModel& model, const Graph& base) {
  for (size_t i = 0; i < base.layers.size(); ++i) {
    const Layer& l = base.layers[i];
    if (!l.has_weights() || l.fixed_weights) continue;
    LayerState& s = model.layer(i);
    const int64_t oc = l.out_channels, per = static_cast<int64_t>(s.w.size()) / oc;
    if (l.weights.size() != static_cast<int64_t>(s.w.size()))
      throw InputError(base.name, fmt::format("layer '{}' has {} weights where {} were expected",
                                              l.name, l.weights.size(), s.w.size()));
    const kernels::QuantParams& q = l.weight_q;
    for (int64_t c = 0; c < oc; ++c)
      for (int64_t k = c * per; k < (c + 1) * per; ++k)
        s.w[static_cast<size_t>(k)] =
            q.scale_at(c) * static_cast<float>(l.weights[k] - q.zero_point_at(c));
    if (s.bias.empty() || l.bias.empty()) continue;
    const float in_scale = base.layers[static_cast<size_t>(l.inputs[0])].output_q.scale[0];
    for (int64_t c = 0; c < oc; ++c)
      s.bias[static_cast<size_t>(c)] =
          static_cast<float>(l.bias[static_cast<size_t>(c)]) * (in_scale * q.scale_at(c));
  }
}

// Training-mode forward passes (no update) so EMA activation ranges start from the data.
void calibrate(TrainModel& model, const Dataset& train, int64_t batches, int64_t batch,
               uint64_t seed) {
  const int64_t count = std::min(train.size(), batches * batch);
  std::vector<int64_t> order(static_cast<size_t>(train.size()));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<float> images;
  std::vector<int32_t> labels;
  for (int64_t first = 0; first < count; first += batch) {
    const int64_t n = std::min(batch, count - first);
    make_batch(train, order, first, n, model.graph(), {}, nullptr, images, labels);
    model.forward(images, n, true, rng);
  }
}

std::string save_state(const TrainModel& model) {
  std::ostringstream out(std::ios::binary);
  model.save(out);
  return out.str();
}

void load_state(TrainModel& model, const std::string& state) {
  std::istringstream in(state, std::ios::binary);
  model.load(in);
}

void install_masks(TrainModel& model, const std::vector<LayerPlan>& plan,
                   const std::vector<std::vector<uint8_t>>& masks) {
  for (size_t j = 0; j < plan.size(); ++j)
    model.layer(plan[j].layer).quant.weight = std::make_unique<PrunedWeightQuantizer>(masks[j]);
}

int64_t steps_per_epoch(const CompressConfig& c, const Dataset& train) {
  const int64_t images =
      c.train.train_images > 0 ? std::min(c.train.train_images, train.size()) : train.size();
  return (images + c.train.batch - 1) / c.train.batch;
}

}  // namespace

CompressResult compress(const Graph& base, const QuantConfig& activations,
                        const CompressConfig& config, const Dataset& train, const Dataset& test,
                        Backend& backend, const CompressCallbacks& cb) {
  if (!base.has_weights())
    throw InputError(base.name, "compression needs a model with its weights (a trained export)");
  const Graph structure = training_structure(base);
  CompressResult r;
  r.plan = plan_compression(structure, config);
  const std::vector<LayerPlan>& plan = r.plan;
  const int64_t eval_batch = std::max<int64_t>(config.train.batch, 256);
  const int64_t test_limit = config.train.test_images;

  auto make_trainer = [&](int epochs, double lr, double weight_decay, uint64_t salt) {
    TrainConfig tc = config.train;
    tc.epochs = std::max(epochs, 1);
    tc.optimizer.lr = lr;
    tc.optimizer.weight_decay = weight_decay;
    tc.seed = config.train.seed + salt;
    return std::make_unique<Trainer>(structure, activations, tc, train, test, backend,
                                     std::string());
  };
  auto fine_tune = [&](Trainer& t, const std::string& phase, int epochs) {
    if (cb.on_phase) cb.on_phase(phase, steps_per_epoch(config, train) * epochs);
    t.run(std::string(), cb.on_step, [&](const EpochRecord& e) {
      r.curve.push_back({phase, e});
      if (cb.on_epoch) cb.on_epoch(phase, e);
    });
    return t.curve().back().test_accuracy;
  };

  // 1. The base model in float, its activation ranges calibrated.
  std::vector<std::vector<uint8_t>> masks;
  for (const LayerPlan& p : plan)
    masks.emplace_back(static_cast<size_t>(structure.weight_count(p.layer)), uint8_t{1});
  std::string state;
  {
    auto t = make_trainer(1, config.train.optimizer.lr, config.train.optimizer.weight_decay, 0);
    install_masks(t->model(), plan, masks);
    load_integer_weights(t->model(), base);
    calibrate(t->model(), train, config.calibration_batches, config.train.batch, config.train.seed);
    r.base_accuracy = t->evaluate(test, test_limit, eval_batch);
    if (cb.on_accuracy) cb.on_accuracy("base", r.base_accuracy);
    state = save_state(t->model());
  }

  // 2. Iterative pruning, fine-tuning with fixed masks after each step.
  const int steps = config.prune_steps;
  r.pruned_accuracy = r.base_accuracy;
  for (int k = 1; k <= steps; ++k) {
    auto t = make_trainer(config.prune_epochs, config.train.optimizer.lr,
                          config.train.optimizer.weight_decay, static_cast<uint64_t>(k));
    install_masks(t->model(), plan, masks);
    load_state(t->model(), state);
    for (size_t j = 0; j < plan.size(); ++j) {
      if (plan[j].density >= 1.0) continue;
      const double target = scheduled_density(plan[j].density, k, steps);
      std::vector<float>& w = t->model().layer(plan[j].layer).w;
      masks[j] = qat::magnitude_prune_mask(w, target, masks[j]);
      qat::apply_mask(w, masks[j]);
    }
    install_masks(t->model(), plan, masks);
    if (config.prune_epochs > 0)
      r.pruned_accuracy = fine_tune(*t, fmt::format("prune {}/{}", k, steps), config.prune_epochs);
    else if (k == steps)
      r.pruned_accuracy = t->evaluate(test, test_limit, eval_batch);
    state = save_state(t->model());
  }

  // 3-4. Weight sharing, then fine-tuning of the centroids (no weight decay on them).
  auto t =
      make_trainer(config.share_epochs, config.share_lr, 0.0, static_cast<uint64_t>(steps) + 1);
  install_masks(t->model(), plan, masks);
  load_state(t->model(), state);
  for (size_t j = 0; j < plan.size(); ++j) {
    LayerState& s = t->model().layer(plan[j].layer);
    const int clusters = (1 << plan[j].codebook_bits) - 1;
    qat::SharedWeights shared = qat::share_weights_clusters(s.w, clusters, masks[j]);
    s.quant.weight = std::make_unique<SharedWeightQuantizer>(
        std::move(shared), plan[j].codebook_bits, config.value_bits,
        base.layers[plan[j].layer].weights.dims());
  }
  if (cb.on_accuracy) cb.on_accuracy("pruned", r.pruned_accuracy);
  r.shared_accuracy = t->evaluate(test, test_limit, eval_batch);
  if (cb.on_accuracy) cb.on_accuracy("shared", r.shared_accuracy);
  r.fake_quant_accuracy = config.share_epochs > 0 && config.share_lr > 0
                              ? fine_tune(*t, "share", config.share_epochs)
                              : r.shared_accuracy;

  // 5. The integer model.
  r.graph = export_integer_graph(t->model());
  r.masks = std::move(masks);
  return r;
}

std::vector<LayerStorage> compressed_storage(const Graph& graph, int value_bits) {
  constexpr int kRelativeIndexBits = 4;
  constexpr int64_t kGapPerPadding = int64_t{1} << kRelativeIndexBits;
  std::vector<LayerStorage> out;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& l = graph.layers[i];
    if (!l.has_weights() || l.fixed_weights) continue;
    LayerStorage s;
    s.name = l.name;
    s.weights = l.weights.size();
    const int64_t per = s.weights / l.out_channels;
    std::set<int32_t> distinct;
    int64_t gap = 0;
    for (int64_t k = 0; k < s.weights; ++k) {
      const int32_t v = l.weights[k] - l.weight_q.zero_point_at(k / per);
      if (v == 0) {
        ++gap;
        continue;
      }
      ++s.nonzero;
      s.padding += gap / kGapPerPadding;
      gap = 0;
      distinct.insert(v);
    }
    s.distinct_nonzero = static_cast<int>(distinct.size());
    const bool codebook = l.weight_q.scheme == kernels::Scheme::Codebook;
    s.index_bits = l.weight_q.bits;
    s.codebook_entries = codebook ? static_cast<int>(l.weight_q.codebook.size()) : 0;
    s.dense_bits = 32 * s.weights;
    s.compressed_bits = (s.nonzero + s.padding) * (s.index_bits + kRelativeIndexBits) +
                        int64_t{s.codebook_entries} * value_bits;
    out.push_back(s);
  }
  return out;
}

}  // namespace qasim::workloads::train
