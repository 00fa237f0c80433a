#include "dse/train_run.h"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dse/progress.h"
#include "dse/train_report.h"
#include "workloads/errors.h"
#include "workloads/onnx/onnx_export.h"
#include "workloads/train/export.h"
#include "workloads/train/trainer.h"

namespace qasim::dse {

namespace fs = std::filesystem;
namespace wt = workloads::train;

std::string hash_hex(const std::string& text) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

std::pair<workloads::Dataset, workloads::Dataset> load_splits(const std::string& spec) {
  DatasetOptions d;
  d.spec = spec;
  if (spec.rfind("idx:", 0) == 0)
    throw UsageError(
        "--dataset idx: holds one split; training needs fashion-mnist, "
        "cifar10:DIR or synthetic");
  d.split = "train";
  workloads::Dataset train = load_dataset(d);
  d.split = "test";
  return {std::move(train), load_dataset(d)};
}

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
  const int threads = omp_get_max_threads();
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
  const std::string config_text =
      fmt::format("model={} shape={} width={} dataset={} quant={} recipe={}", o.model.spec,
                  o.model.input_shape, o.model.width, o.dataset, quant.describe(), tc.describe());
  const std::string hash = hash_hex(config_text);
  const fs::path out(o.out);
  const fs::path cache =
      fs::path(o.cache_dir.empty() ? (out / "cache").string() : o.cache_dir) / hash;

  if (!o.no_cache && fs::exists(cache / "model.onnx") && fs::exists(cache / "summary.json")) {
    fs::create_directories(out);
    for (const char* f : {"model.onnx", "summary.json"})
      fs::copy_file(cache / f, out / f, fs::copy_options::overwrite_existing);
    const nlohmann::json summary = nlohmann::json::parse(std::ifstream(cache / "summary.json"));
    fmt::print("reused cached model {} (config hash {}; trained before with this exact config)\n",
               (cache / "model.onnx").string(), hash);
    fmt::print("golden integer accuracy {:.2f}%  fake-quant accuracy {:.2f}%\n",
               summary.value("golden_accuracy", 0.0), summary.value("fake_quant_accuracy", 0.0));
    return kExitOk;
  }

  auto [train, test] = load_splits(o.dataset);
  const workloads::Graph structure = load_model(o.model, false, &train);
  wt::Trainer trainer(structure, quant, tc, train, test, *backend, config_text);
  const std::string checkpoint = (out / "checkpoint.bin").string();
  fs::create_directories(out);
  if (o.resume) {
    const int done = trainer.resume(checkpoint);
    fmt::print("{}\n", done ? fmt::format("resumed {} after epoch {}", checkpoint, done)
                            : "no checkpoint to resume: starting from epoch 1");
  } else if (fs::exists(checkpoint)) {
    fmt::print("note: starting afresh; {} will be replaced (use --resume to continue it)\n",
               checkpoint);
  }
  fmt::print(
      "training {} on {} ({} images, {} test), quant {}, {} epochs, batch {}, {} on {} "
      "threads, config hash {}\n",
      structure.name, train.name, trainer.train_count(),
      o.test_images ? std::min(o.test_images, test.size()) : test.size(), o.quant, o.epochs,
      o.batch, backend->name(), threads, hash);

  const int64_t steps = (trainer.train_count() + o.batch - 1) / o.batch;
  const int done_epochs = static_cast<int>(trainer.curve().size());
  Progress progress("train", steps * (o.epochs - done_epochs));
  const auto start = std::chrono::steady_clock::now();
  trainer.run(
      checkpoint,
      [&](const wt::StepInfo& s) {
        progress.update((s.epoch - 1 - done_epochs) * steps + s.step,
                        fmt::format("epoch {}/{} loss {:.4f} acc {:.2f}% {:.0f} img/s", s.epoch,
                                    o.epochs, s.loss, s.accuracy, s.images_per_second));
      },
      [&](const wt::EpochRecord& r) {
        progress.finish();
        fmt::print(
            "epoch {}/{}: loss {:.4f}, train {:.2f}%, test (fake-quant) {:.2f}%, "
            "{:.0f} img/s, {:.1f}s\n",
            r.epoch, o.epochs, r.train_loss, r.train_accuracy, r.test_accuracy, r.images_per_second,
            r.seconds);
        write_file_atomically((out / "curve.csv").string(), curve_csv(trainer.curve()));
        write_file_atomically((out / "curve.svg").string(),
                              curve_svg(trainer.curve(), fmt::format("{} {} on {}", structure.name,
                                                                     o.quant, o.dataset)));
      });
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

  wt::ExportStats stats;
  const workloads::Graph model = wt::export_integer_graph(trainer.model(), &stats);
  const double fake = trainer.evaluate(test, o.test_images, 256);
  const double golden = wt::golden_accuracy(model, test, o.test_images);
  workloads::export_onnx(model, (out / "model.onnx").string());
  nlohmann::json summary = {
      {"config", config_text},
      {"config_hash", hash},
      {"model", o.model.spec},
      {"dataset", o.dataset},
      {"quant", o.quant},
      {"epochs", o.epochs},
      {"train_images", trainer.train_count()},
      {"test_images", o.test_images ? std::min(o.test_images, test.size()) : test.size()},
      {"golden_accuracy", golden},
      {"fake_quant_accuracy", fake},
      {"clamped_weights", stats.clamped_weights},
      {"device", backend->name()},
      {"threads", threads},
      {"training_seconds_this_run", took.count()},
      {"curve", nlohmann::json::array()}};
  for (const wt::EpochRecord& r : trainer.curve())
    summary["curve"].push_back({{"epoch", r.epoch},
                                {"train_loss", r.train_loss},
                                {"train_accuracy", r.train_accuracy},
                                {"test_accuracy", r.test_accuracy},
                                {"images_per_second", r.images_per_second}});
  write_file_atomically((out / "summary.json").string(), summary.dump(2) + "\n");
  if (!o.no_cache) {
    fs::create_directories(cache);
    fs::copy_file(out / "model.onnx", cache / "model.onnx", fs::copy_options::overwrite_existing);
    write_file_atomically((cache / "summary.json").string(), summary.dump(2) + "\n");
  }
  fmt::print("golden integer accuracy {:.2f}%  fake-quant accuracy {:.2f}%  (test images: {})\n",
             golden, fake, summary["test_images"].get<int64_t>());
  fmt::print("wrote {} {} {} {}\n", (out / "model.onnx").string(), (out / "summary.json").string(),
             (out / "curve.csv").string(), (out / "curve.svg").string());
  return kExitOk;
}

}  // namespace qasim::dse
