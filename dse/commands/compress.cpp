// qasim compress: Deep Compression (iterative magnitude pruning, k-means weight sharing,
// centroid fine-tuning) of a model trained by `qasim train`, exporting the sparse,
// weight-shared integer model that `qasim simulate --arch eie` runs.
#include <fmt/format.h>
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/progress.h"
#include "dse/table.h"
#include "dse/train_run.h"
#include "sim/yaml_params.h"
#include "workloads/errors.h"
#include "workloads/onnx/onnx_export.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/train/compress.h"
#include "workloads/train/export.h"

namespace qasim::dse {

namespace {

namespace fs = std::filesystem;
namespace wt = workloads::train;
using workloads::InputError;

constexpr const char* kUsage =
    "usage: qasim compress --from DIR|MODEL.onnx --out DIR [options]\n"
    "       qasim compress --model zoo:NAME --quant SPEC [qasim train's options] --out DIR\n\n"
    "Deep Compression (Han et al. 2016) of a trained integer model: iterative magnitude\n"
    "pruning to a weight density per layer (--prune-steps steps, density^(k/steps) after\n"
    "step k, --prune-epochs of fine-tuning after each, pruned weights held at zero), then\n"
    "k-means weight sharing per layer (linear initialisation) with a --codebook-bits index\n"
    "whose index 0 is zero as in EIE (2^bits - 1 shared non-zero weights), then fine-tuning\n"
    "of the centroids (--share-epochs; a centroid's gradient is the sum of its members').\n"
    "Activations stay quantized as the base model's --quant says. Writes DIR/model.onnx\n"
    "(Codebook weights) and DIR/summary.json, and prints the golden integer accuracy beside\n"
    "the fake-quant accuracy, the density per layer and the compression ratio:\n"
    "  dense bits = 32 * weights;  compressed bits = (non-zeros + padding) * (index bits + 4)\n"
    "  + codebook entries * --value-bits  (4-bit relative index over the row-major weights, a\n"
    "  padding entry per 16 zeros skipped; CSC pointers and biases not counted).\n\n"
    "The base model: --from a `qasim train` output folder (its model.onnx; --quant defaults\n"
    "to its summary.json's) or an integer .onnx model exported by the trainer (--quant\n"
    "defaults to that of NAME.summary.json beside NAME.onnx, if there); without\n"
    "--from, the base is trained first into DIR/base with qasim train's options (cached by\n"
    "config hash as qasim train does). --batch, --momentum, --nesterov, --weight-decay,\n"
    "--optimizer, augmentation, --train-images, --test-images and --seed also drive the\n"
    "fine-tuning; --lr and --epochs only the base training (--prune-lr, --share-lr and\n"
    "--prune-epochs, --share-epochs drive the compression).\n\n"
    "--layers YAML: per-layer overrides, e.g.\n"
    "  layer1.0.conv1: {density: 0.5, codebook_bits: 5}";

struct CompressFlags {
  std::string from, layers_file;
  double density = 0.3, prune_lr = 0.01, share_lr = 1e-4;
  int codebook_bits = 4, value_bits = 8, prune_steps = 3, prune_epochs = 1, share_epochs = 1;
  int64_t calibration_batches = 8;
  bool prune_first = false;
};

std::map<std::string, wt::LayerCompressionOverride> read_overrides(const std::string& path) {
  const YAML::Node root = sim::load_yaml_file(path);
  std::map<std::string, wt::LayerCompressionOverride> out;
  if (root.IsNull()) return out;
  if (!root.IsMap())
    throw InputError(sim::yaml_place(root, path),
                     "expected a mapping of layer name -> {density, codebook_bits}");
  for (const auto& kv : root) {
    const std::string layer = kv.first.as<std::string>();
    if (!kv.second.IsMap())
      throw InputError(sim::yaml_place(kv.second, path),
                       fmt::format("layer '{}': expected {{density, codebook_bits}}", layer));
    sim::require_known_keys(kv.second, {"density", "codebook_bits"}, path);
    wt::LayerCompressionOverride o;
    if (kv.second["density"])
      o.density = sim::yaml_scalar<double>(kv.second["density"], "density", path);
    if (kv.second["codebook_bits"])
      o.codebook_bits = sim::yaml_scalar<int>(kv.second["codebook_bits"], "codebook_bits", path);
    out[layer] = o;
  }
  return out;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  if (!in) throw InputError(path.string(), "cannot read");
  return s.str();
}

// The base model's file and, for a train output folder, its summary.json.
struct Base {
  fs::path model, summary;
};

Base locate_base(const std::string& from) {
  if (!fs::exists(from))
    throw InputError(from,
                     "no such file or folder (--from takes a `qasim train` output "
                     "folder or an .onnx model)");
  if (fs::is_directory(from)) {
    const fs::path dir(from);
    if (!fs::exists(dir / "model.onnx"))
      throw InputError(from, "no model.onnx in this folder (is it a `qasim train` output?)");
    return {dir / "model.onnx", fs::exists(dir / "summary.json") ? dir / "summary.json" : ""};
  }
  // A model copied out of its folder keeps its summary beside it as NAME.summary.json
  // (configs/trained/).
  fs::path summary = fs::path(from);
  summary.replace_extension(".summary.json");
  return {fs::path(from), fs::exists(summary) ? summary : ""};
}

std::string pct(double v) {
  return fmt::format("{:.2f}", v);
}

// The per-layer storage table and the totals, for the terminal and summary.json.
nlohmann::json report_storage(const std::vector<wt::LayerStorage>& storage,
                              const std::vector<wt::LayerPlan>& plan) {
  Table table({"layer", "weights", "target %", "density %", "distinct", "index bits", "padding",
               "dense kbit", "compressed kbit", "ratio"});
  nlohmann::json layers = nlohmann::json::array();
  int64_t dense = 0, compressed = 0, weights = 0, nonzero = 0;
  for (size_t j = 0; j < storage.size(); ++j) {
    const wt::LayerStorage& s = storage[j];
    const double target = j < plan.size() ? plan[j].density : 1.0;
    table.add_row(
        {s.name, std::to_string(s.weights), pct(100 * target), pct(100 * s.density()),
         std::to_string(s.distinct_nonzero), std::to_string(s.index_bits),
         std::to_string(s.padding), fmt::format("{:.1f}", s.dense_bits / 1e3),
         fmt::format("{:.1f}", s.compressed_bits / 1e3),
         fmt::format("{:.1f}x", static_cast<double>(s.dense_bits) /
                                    static_cast<double>(std::max<int64_t>(s.compressed_bits, 1)))});
    layers.push_back({{"name", s.name},
                      {"weights", s.weights},
                      {"target_density", target},
                      {"density", s.density()},
                      {"nonzero", s.nonzero},
                      {"distinct_nonzero", s.distinct_nonzero},
                      {"index_bits", s.index_bits},
                      {"codebook_entries", s.codebook_entries},
                      {"padding", s.padding},
                      {"dense_bits", s.dense_bits},
                      {"compressed_bits", s.compressed_bits}});
    dense += s.dense_bits;
    compressed += s.compressed_bits;
    weights += s.weights;
    nonzero += s.nonzero;
  }
  const double ratio =
      static_cast<double>(dense) / static_cast<double>(std::max<int64_t>(compressed, 1));
  table.add_separator();
  table.add_row({"total", std::to_string(weights), "",
                 pct(100.0 * static_cast<double>(nonzero) / static_cast<double>(weights)), "", "",
                 "", fmt::format("{:.1f}", dense / 1e3), fmt::format("{:.1f}", compressed / 1e3),
                 fmt::format("{:.1f}x", ratio)});
  fmt::print("{}", table.render());
  fmt::print("compression ratio {:.1f}x (dense 32-bit weights over CSC entries + codebooks)\n",
             ratio);
  return {{"layers", layers},
          {"weights", weights},
          {"nonzero", nonzero},
          {"density", static_cast<double>(nonzero) / static_cast<double>(weights)},
          {"dense_bits", dense},
          {"compressed_bits", compressed},
          {"compression_ratio", ratio}};
}

void print_accuracies(double golden, double fake) {
  fmt::print("golden integer accuracy {:.2f}%  fake-quant accuracy {:.2f}%\n", golden, fake);
}

}  // namespace

int cmd_compress(const std::vector<std::string>& args) {
  TrainOptions o;
  CompressFlags c;
  po::options_description base_options("base model and fine-tuning data (qasim train's options)");
  add_train_options(base_options, o);
  po::options_description options("compression");
  options.add_options()("from", po::value(&c.from),
                        "a `qasim train` output folder or an integer .onnx model")(
      "density", po::value(&c.density)->default_value(0.3),
      "fraction of each layer's weights kept, in (0, 1]")(
      "codebook-bits", po::value(&c.codebook_bits)->default_value(4),
      "codebook index bits per layer: 2^bits - 1 shared non-zero weights (1..8)")(
      "prune-first", po::bool_switch(&c.prune_first),
      "prune the first conv layer too (default: only weight-shared)")(
      "layers", po::value(&c.layers_file), "YAML of per-layer {density, codebook_bits}")(
      "prune-steps", po::value(&c.prune_steps)->default_value(3), "iterative pruning steps")(
      "prune-epochs", po::value(&c.prune_epochs)->default_value(1),
      "fine-tuning epochs after each pruning step")("share-epochs",
                                                    po::value(&c.share_epochs)->default_value(1),
                                                    "fine-tuning epochs of the shared centroids")(
      "prune-lr", po::value(&c.prune_lr)->default_value(0.01),
      "peak learning rate of the pruning fine-tuning (cosine per step)")(
      "share-lr", po::value(&c.share_lr)->default_value(1e-4),
      "peak learning rate of the centroid fine-tuning (a centroid's gradient is a sum over\n"
      "its members: keep it small)")(
      "value-bits", po::value(&c.value_bits)->default_value(8),
      "signed bits of the integer codebook entries (2..16; EIE decodes up to 16)")(
      "calibration-batches", po::value(&c.calibration_batches)->default_value(8),
      "training batches that set the activation ranges before pruning");
  options.add(base_options);
  po::variables_map vm;
  if (!parse_args(args, kUsage, options, {}, vm)) return kExitOk;
  if (o.out.empty()) throw UsageError("--out DIR is required");
  if (o.batch < 1) throw UsageError("--batch must be at least 1");
  if (o.threads < 0) throw UsageError("--threads must be >= 0");
  if (o.train_images < 0 || o.test_images < 0)
    throw UsageError("--train-images and --test-images must be >= 0");
  if (!(c.prune_lr > 0)) throw UsageError("--prune-lr must be positive");
  if (o.threads > 0) omp_set_num_threads(o.threads);
  std::unique_ptr<wt::Backend> backend = wt::make_backend(o.device);
  const fs::path out(o.out);

  // The base model: given, or trained here with qasim train's flags.
  Base base;
  std::string quant_spec = o.quant;
  if (!c.from.empty()) {
    if (vm.count("model") && !vm["model"].defaulted())
      throw UsageError("give either --from (a trained model) or --model (train the base here)");
    base = locate_base(c.from);
    if (base.summary.empty() && vm["quant"].defaulted())
      throw UsageError(fmt::format(
          "--quant is needed: no summary.json beside {} says how its activations were quantized",
          base.model.string()));
    if (!base.summary.empty() && vm["quant"].defaulted()) {
      const nlohmann::json s = nlohmann::json::parse(file_bytes(base.summary), nullptr, false);
      if (s.is_discarded() || !s.contains("quant") || !s["quant"].is_string())
        throw InputError(base.summary.string(), "no \"quant\" string in this summary");
      quant_spec = s["quant"].get<std::string>();
    }
  } else {
    if (o.model.spec.empty())
      throw UsageError(
          "no base model: give --from DIR|MODEL.onnx, or --model zoo:NAME to train it");
    TrainOptions train = o;
    train.out = (out / "base").string();
    if (o.cache_dir.empty()) train.cache_dir = (out / "cache").string();
    fmt::print("training the base model into {}\n", train.out);
    const int rc = run_training(train);
    if (rc != kExitOk) return rc;
    base = {out / "base" / "model.onnx", out / "base" / "summary.json"};
  }
  if (!c.from.empty() && !base.summary.empty() && vm["quant"].defaulted())
    fmt::print("activations quantized as the base model's --quant {}\n", quant_spec);
  o.quant = quant_spec;
  const wt::QuantConfig quant = train_quant_config(o);

  wt::CompressConfig cc;
  cc.density = c.density;
  cc.codebook_bits = c.codebook_bits;
  cc.prune_first = c.prune_first;
  if (!c.layers_file.empty()) cc.layers = read_overrides(c.layers_file);
  cc.prune_steps = c.prune_steps;
  cc.prune_epochs = c.prune_epochs;
  cc.share_epochs = c.share_epochs;
  cc.value_bits = c.value_bits;
  cc.share_lr = c.share_lr;
  cc.calibration_batches = c.calibration_batches;
  cc.train.batch = o.batch;
  cc.train.optimizer.kind = o.optimizer;
  cc.train.optimizer.lr = c.prune_lr;
  cc.train.optimizer.momentum = o.momentum;
  cc.train.optimizer.nesterov = o.nesterov;
  cc.train.optimizer.weight_decay = o.weight_decay;
  cc.train.augment = {o.crop_padding, o.flip};
  cc.train.seed = o.model.seed;
  cc.train.train_images = o.train_images;
  cc.train.test_images = o.test_images;

  const workloads::Graph graph = workloads::import_onnx(base.model.string());
  // Checked before any data is read or time spent.
  const std::vector<wt::LayerPlan> plan = wt::plan_compression(graph, cc);
  if (!graph.has_weights())
    throw InputError(base.model.string(), "the model has no weights (a trained export is needed)");

  const std::string config_text =
      fmt::format("compress base={} dataset={} quant={} {}", hash_hex(file_bytes(base.model)),
                  o.dataset, quant.describe(), cc.describe());
  const std::string hash = hash_hex(config_text);
  const fs::path cache =
      fs::path(o.cache_dir.empty() ? (out / "cache").string() : o.cache_dir) / hash;
  if (!o.no_cache && fs::exists(cache / "model.onnx") && fs::exists(cache / "summary.json")) {
    fs::create_directories(out);
    for (const char* f : {"model.onnx", "summary.json"}) {
      fs::copy_file(cache / f, out / (std::string(f) + ".tmp"),
                    fs::copy_options::overwrite_existing);
      fs::rename(out / (std::string(f) + ".tmp"), out / f);
    }
    const nlohmann::json s = nlohmann::json::parse(file_bytes(cache / "summary.json"));
    fmt::print(
        "reused cached model {} (config hash {}; compressed before with this exact config)\n",
        (cache / "model.onnx").string(), hash);
    print_accuracies(s.value("golden_accuracy", 0.0), s.value("fake_quant_accuracy", 0.0));
    fmt::print("compression ratio {:.1f}x, density {:.2f}%\n",
               s["storage"].value("compression_ratio", 0.0),
               100 * s["storage"].value("density", 0.0));
    return kExitOk;
  }

  auto [train, test] = load_splits(o.dataset);
  fmt::print(
      "compressing {} ({}) on {}: density {}, {}-bit codebook index, {} pruning steps x {} "
      "epochs, {} sharing epochs, {} on {} threads, config hash {}\n",
      graph.name, base.model.string(), train.name, c.density, c.codebook_bits, c.prune_steps,
      c.prune_epochs, c.share_epochs, backend->name(), omp_get_max_threads(), hash);
  std::fflush(stdout);

  std::unique_ptr<Progress> progress;
  std::string phase;
  int64_t steps_per_epoch = 1;
  wt::CompressCallbacks callbacks;
  callbacks.on_phase = [&](const std::string& name, int64_t steps) {
    phase = name;
    progress = std::make_unique<Progress>(name, steps);
    const int epochs = name == "share" ? c.share_epochs : c.prune_epochs;
    steps_per_epoch = std::max<int64_t>(steps / std::max(epochs, 1), 1);
  };
  callbacks.on_step = [&](const wt::StepInfo& s) {
    progress->update((s.epoch - 1) * steps_per_epoch + s.step,
                     fmt::format("epoch {} loss {:.4f} acc {:.2f}%", s.epoch, s.loss, s.accuracy));
  };
  callbacks.on_epoch = [&](const std::string& name, const wt::EpochRecord& r) {
    if (progress) progress->finish();
    fmt::print("{} epoch {}: loss {:.4f}, train {:.2f}%, test (fake-quant) {:.2f}%, {:.1f}s\n",
               name, r.epoch, r.train_loss, r.train_accuracy, r.test_accuracy, r.seconds);
    std::fflush(stdout);
  };
  callbacks.on_accuracy = [&](const std::string& stage, double accuracy) {
    const char* what = stage == "base"     ? "the base model (activation ranges calibrated)"
                       : stage == "pruned" ? "after pruning and its fine-tuning"
                                           : "after weight sharing, before its fine-tuning";
    fmt::print("fake-quant accuracy {}: {:.2f}%\n", what, accuracy);
    std::fflush(stdout);
  };
  const auto start = std::chrono::steady_clock::now();
  const wt::CompressResult result =
      wt::compress(graph, quant, cc, train, test, *backend, callbacks);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const double golden = wt::golden_accuracy(result.graph, test, o.test_images);
  fmt::print(
      "fake-quant accuracy: base {:.2f}%, pruned {:.2f}%, shared before fine-tuning {:.2f}%, "
      "final {:.2f}%\n",
      result.base_accuracy, result.pruned_accuracy, result.shared_accuracy,
      result.fake_quant_accuracy);
  const nlohmann::json storage =
      report_storage(wt::compressed_storage(result.graph, c.value_bits), result.plan);

  fs::create_directories(out);
  const fs::path tmp = out / "model.onnx.tmp";
  workloads::export_onnx(result.graph, tmp.string());
  fs::rename(tmp, out / "model.onnx");
  const int64_t test_count = o.test_images ? std::min(o.test_images, test.size()) : test.size();
  nlohmann::json summary = {{"config", config_text},
                            {"config_hash", hash},
                            {"base_model", base.model.string()},
                            {"dataset", o.dataset},
                            {"quant", quant_spec},
                            {"density", c.density},
                            {"codebook_bits", c.codebook_bits},
                            {"value_bits", c.value_bits},
                            {"prune_first", c.prune_first},
                            {"prune_steps", c.prune_steps},
                            {"prune_epochs", c.prune_epochs},
                            {"share_epochs", c.share_epochs},
                            {"test_images", test_count},
                            {"golden_accuracy", golden},
                            {"fake_quant_accuracy", result.fake_quant_accuracy},
                            {"base_fake_quant_accuracy", result.base_accuracy},
                            {"pruned_fake_quant_accuracy", result.pruned_accuracy},
                            {"shared_fake_quant_accuracy", result.shared_accuracy},
                            {"storage", storage},
                            {"device", backend->name()},
                            {"threads", omp_get_max_threads()},
                            {"seconds_this_run", took.count()},
                            {"curve", nlohmann::json::array()}};
  for (const wt::PhaseRecord& p : result.curve)
    summary["curve"].push_back({{"phase", p.phase},
                                {"epoch", p.epoch.epoch},
                                {"train_loss", p.epoch.train_loss},
                                {"train_accuracy", p.epoch.train_accuracy},
                                {"test_accuracy", p.epoch.test_accuracy}});
  write_file_atomically((out / "summary.json").string(), summary.dump(2) + "\n");
  if (!o.no_cache) {
    fs::create_directories(cache);
    fs::copy_file(out / "model.onnx", cache / "model.onnx.tmp",
                  fs::copy_options::overwrite_existing);
    fs::rename(cache / "model.onnx.tmp", cache / "model.onnx");
    write_file_atomically((cache / "summary.json").string(), summary.dump(2) + "\n");
  }
  print_accuracies(golden, result.fake_quant_accuracy);
  fmt::print("(test images: {}; {:.0f}s)\nwrote {} {}\n", test_count, took.count(),
             (out / "model.onnx").string(), (out / "summary.json").string());
  return kExitOk;
}

}  // namespace qasim::dse
