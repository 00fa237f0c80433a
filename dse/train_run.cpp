#include "dse/train_run.h"

#include <fmt/format.h>
#include <omp.h>

#include <filesystem>

#include "workloads/errors.h"
#include "workloads/train/backend.h"

namespace qasim::dse {

namespace fs = std::filesystem;
namespace wt = workloads::train;

void check_train_options(const TrainOptions& o) {
  if (o.out.empty()) throw UsageError("--out DIR is required");
  if (o.epochs < 1) throw UsageError("--epochs must be at least 1");
  if (o.batch < 1) throw UsageError("--batch must be at least 1");
  if (!(o.lr > 0)) throw UsageError("--lr must be positive");
  if (o.threads < 0) throw UsageError("--threads must be >= 0");
  if (o.crop_padding < 0) throw UsageError("--crop-padding must be >= 0");
  if (o.train_images < 0 || o.test_images < 0)
    throw UsageError("--train-images and --test-images must be >= 0");
}

void add_train_options(po::options_description& options, TrainOptions& o) {
  options.add_options()("model,m", po::value(&o.model.spec),
                        "zoo:NAME (see `qasim zoo list`) or an .onnx model (its structure)")(
      "input-shape", po::value(&o.model.input_shape),
      "zoo models: CxHxW (default: the dataset's image shape)")(
      "width", po::value(&o.model.width)->default_value(1.0), "zoo models: width multiplier")(
      "dataset,d", po::value(&o.dataset)->default_value("fashion-mnist"),
      "fashion-mnist | cifar10:DIR | synthetic")(
      "quant,q", po::value(&o.quant)->default_value("fp"), "quantization spec (see above)")(
      "first-bits", po::value(&o.model.first_bits)->default_value(0),
      "weight bits of the first weighted layer (0: as the others)")(
      "last-bits", po::value(&o.model.last_bits)->default_value(0),
      "weight bits of the last weighted layer (0: as the others)")(
      "precision", po::value(&o.model.precision_file),
      "YAML of per-layer bits, layer: {wbits: 4, abits: 4}")(
      "epochs", po::value(&o.epochs)->default_value(1), "training epochs")(
      "batch", po::value(&o.batch)->default_value(128), "mini-batch size")(
      "lr", po::value(&o.lr)->default_value(0.1), "peak learning rate (cosine schedule)")(
      "warmup-epochs", po::value(&o.warmup_epochs)->default_value(0.0),
      "linear warm-up length in epochs")("optimizer", po::value(&o.optimizer)->default_value("sgd"),
                                         "sgd | adam")(
      "momentum", po::value(&o.momentum)->default_value(0.9), "SGD momentum")(
      "nesterov", po::bool_switch(&o.nesterov), "SGD with Nesterov momentum")(
      "weight-decay", po::value(&o.weight_decay)->default_value(5e-4), "L2 on conv/fc weights")(
      "crop-padding", po::value(&o.crop_padding)->default_value(0),
      "augmentation: random crop after zero padding by N pixels")(
      "flip", po::bool_switch(&o.flip), "augmentation: random horizontal flips")(
      "train-images", po::value(&o.train_images)->default_value(0),
      "train on the first N training images (0: all)")(
      "test-images", po::value(&o.test_images)->default_value(0),
      "evaluate on the first N test images (0: all)")(
      "seed", po::value(&o.model.seed)->default_value(1), "seed of weights, order, augmentation")(
      "threads", po::value(&o.threads)->default_value(0), "CPU threads (0: OpenMP's default)")(
      "device", po::value(&o.device)->default_value("auto"), "auto | cpu | cuda")(
      "out,o", po::value(&o.out), "output folder")("resume", po::bool_switch(&o.resume),
                                                   "continue DIR/checkpoint.bin")(
      "cache-dir", po::value(&o.cache_dir),
      "trained-model cache, by config hash (default: DIR/cache)")(
      "no-cache", po::bool_switch(&o.no_cache), "neither read nor fill the cache");
}

wt::QuantConfig train_quant_config(const TrainOptions& o) {
  wt::QuantConfig quant = wt::parse_quant_spec(o.quant);
  quant.first_bits = o.model.first_bits;
  quant.last_bits = o.model.last_bits;
  if (!o.model.precision_file.empty())
    quant.layer_precision = read_layer_precision(o.model.precision_file);
  return quant;
}

int run_training(const TrainOptions& o) {
  check_train_options(o);
  if (o.model.spec.empty()) throw UsageError("no model given (--model zoo:NAME)");
  if (o.threads > 0) omp_set_num_threads(o.threads);
  // The backend first: a missing CUDA backend is reported before any data is read.
  std::unique_ptr<wt::Backend> backend = wt::make_backend(o.device);
  fmt::print("{}\n", wt::describe_device_choice(o.device));

  const wt::QuantConfig quant = train_quant_config(o);

  wt::TrainConfig tc;
  tc.epochs = o.epochs;
  tc.batch = o.batch;
  tc.optimizer.kind = o.optimizer;
  tc.optimizer.lr = o.lr;
  tc.optimizer.momentum = o.momentum;
  tc.optimizer.nesterov = o.nesterov;
  tc.optimizer.weight_decay = o.weight_decay;
  tc.warmup_epochs = o.warmup_epochs;
  tc.augment = {o.crop_padding, o.flip};
  tc.seed = o.model.seed;
  tc.train_images = o.train_images;
  tc.test_images = o.test_images;
  TrainRequest request;
  request.model = o.model;
  request.dataset = o.dataset;
  request.quant_spec = o.quant;
  request.quant = quant;
  request.recipe = tc;
  const fs::path out(o.out);
  train_or_reuse(
      request,
      {o.out, o.cache_dir.empty() ? (out / "cache").string() : o.cache_dir, !o.no_cache, o.resume},
      *backend);
  return kExitOk;
}

}  // namespace qasim::dse
