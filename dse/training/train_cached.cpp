#include "dse/training/train_cached.h"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <fstream>

#include "dse/cli_common.h"
#include "dse/progress.h"
#include "dse/train_report.h"
#include "workloads/onnx/onnx_export.h"
#include "workloads/train/export.h"

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

std::string TrainRequest::config_text() const {
  return fmt::format("model={} shape={} width={} dataset={} quant={} recipe={}", model.spec,
                     model.input_shape, model.width, dataset, quant.describe(), recipe.describe());
}

std::string TrainRequest::config_hash() const {
  return hash_hex(config_text());
}

std::optional<fs::path> cached_entry(const std::string& cache_dir, const std::string& hash) {
  const fs::path entry = fs::path(cache_dir) / hash;
  if (fs::exists(entry / "model.onnx") && fs::exists(entry / "summary.json")) return entry;
  return std::nullopt;
}

TrainOutcome train_or_reuse(const TrainRequest& request, const TrainPlace& place,
                            wt::Backend& backend) {
  const std::string config_text = request.config_text();
  const std::string hash = request.config_hash();
  const wt::TrainConfig& tc = request.recipe;
  const fs::path out(place.out);
  const fs::path cache = fs::path(place.cache_dir) / hash;
  const int threads = omp_get_max_threads();
  TrainOutcome outcome;
  outcome.hash = hash;

  if (place.use_cache && cached_entry(place.cache_dir, hash)) {
    fs::create_directories(out);
    for (const char* f : {"model.onnx", "summary.json"})
      fs::copy_file(cache / f, out / f, fs::copy_options::overwrite_existing);
    outcome.from_cache = true;
    outcome.summary = nlohmann::json::parse(std::ifstream(cache / "summary.json"));
    fmt::print("reused cached model {} (config hash {}; trained before with this exact config)\n",
               (cache / "model.onnx").string(), hash);
    fmt::print("golden integer accuracy {:.2f}%  fake-quant accuracy {:.2f}%\n",
               outcome.summary.value("golden_accuracy", 0.0),
               outcome.summary.value("fake_quant_accuracy", 0.0));
    return outcome;
  }

  auto [train, test] = load_splits(request.dataset);
  const workloads::Graph structure = load_model(request.model, false, &train);
  wt::Trainer trainer(structure, request.quant, tc, train, test, backend, config_text);
  const std::string checkpoint = (out / "checkpoint.bin").string();
  fs::create_directories(out);
  if (place.resume) {
    const int done = trainer.resume(checkpoint);
    fmt::print("{}\n", done ? fmt::format("resumed {} after epoch {}", checkpoint, done)
                            : "no checkpoint to resume: starting from epoch 1");
  } else if (fs::exists(checkpoint)) {
    fmt::print("note: starting afresh; {} will be replaced (use --resume to continue it)\n",
               checkpoint);
  }
  const int64_t test_count = tc.test_images ? std::min(tc.test_images, test.size()) : test.size();
  fmt::print(
      "training {} on {} ({} images, {} test), quant {}, {} epochs, batch {}, {} on {} "
      "threads, config hash {}\n",
      structure.name, train.name, trainer.train_count(), test_count, request.quant_spec, tc.epochs,
      tc.batch, backend.name(), threads, hash);

  const int64_t steps = (trainer.train_count() + tc.batch - 1) / tc.batch;
  const int done_epochs = static_cast<int>(trainer.curve().size());
  Progress progress("train", steps * (tc.epochs - done_epochs));
  const auto start = std::chrono::steady_clock::now();
  trainer.run(
      checkpoint,
      [&](const wt::StepInfo& s) {
        progress.update((s.epoch - 1 - done_epochs) * steps + s.step,
                        fmt::format("epoch {}/{} loss {:.4f} acc {:.2f}% {:.0f} img/s", s.epoch,
                                    tc.epochs, s.loss, s.accuracy, s.images_per_second));
      },
      [&](const wt::EpochRecord& r) {
        progress.finish();
        fmt::print(
            "epoch {}/{}: loss {:.4f}, train {:.2f}%, test (fake-quant) {:.2f}%, "
            "{:.0f} img/s, {:.1f}s\n",
            r.epoch, tc.epochs, r.train_loss, r.train_accuracy, r.test_accuracy,
            r.images_per_second, r.seconds);
        write_file_atomically((out / "curve.csv").string(), curve_csv(trainer.curve()));
        write_file_atomically(
            (out / "curve.svg").string(),
            curve_svg(trainer.curve(), fmt::format("{} {} on {}", structure.name,
                                                   request.quant_spec, request.dataset)));
      });
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

  wt::ExportStats stats;
  const workloads::Graph model = wt::export_integer_graph(trainer.model(), &stats);
  const double fake = trainer.evaluate(test, tc.test_images, 256);
  const double golden = wt::golden_accuracy(model, test, tc.test_images);
  workloads::export_onnx(model, (out / "model.onnx").string());
  nlohmann::json summary = {{"config", config_text},
                            {"config_hash", hash},
                            {"model", request.model.spec},
                            {"dataset", request.dataset},
                            {"quant", request.quant_spec},
                            {"epochs", tc.epochs},
                            {"train_images", trainer.train_count()},
                            {"test_images", test_count},
                            {"golden_accuracy", golden},
                            {"fake_quant_accuracy", fake},
                            {"clamped_weights", stats.clamped_weights},
                            {"device", backend.name()},
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
  if (place.use_cache) {
    fs::create_directories(cache);
    fs::copy_file(out / "model.onnx", cache / "model.onnx", fs::copy_options::overwrite_existing);
    write_file_atomically((cache / "summary.json").string(), summary.dump(2) + "\n");
  }
  fmt::print("golden integer accuracy {:.2f}%  fake-quant accuracy {:.2f}%  (test images: {})\n",
             golden, fake, test_count);
  fmt::print("wrote {} {} {} {}\n", (out / "model.onnx").string(), (out / "summary.json").string(),
             (out / "curve.csv").string(), (out / "curve.svg").string());
  outcome.summary = std::move(summary);
  return outcome;
}

}  // namespace qasim::dse
