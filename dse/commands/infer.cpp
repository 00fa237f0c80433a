// qasim infer: golden integer inference, on a dataset (accuracy and per-layer stats) or
// on one .npy input (every layer's integer output dumped as .npy).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>

#include "dse/arch_select.h"
#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/infer_report.h"
#include "dse/layer_dump.h"
#include "dse/model_loader.h"
#include "dse/progress.h"
#include "kernels/build_info.h"
#include "kernels/cuda/runtime.h"
#include "workloads/errors.h"
#include "workloads/exact_engine.h"
#include "workloads/golden_engine.h"
#include "workloads/npy.h"

namespace qasim::dse {

namespace {

struct InferOptions {
  ModelOptions model;
  DatasetOptions dataset;
  int64_t images = 0;
  int batch = 64;
  std::string requant, overflow, arch;
  int acc_bits = 0;
  std::string input_npy, dump_dir, json_path;
  int threads = 0;
  std::string device = "cpu";
};

// Whether the dataset's conv/FC layers run on the exact CUDA kernels: --device cuda needs a
// device (else exit 2 saying why), auto takes one when present. Prints which.
bool use_cuda(const InferOptions& o) {
  if (o.device != "cpu" && o.device != "cuda" && o.device != "auto")
    throw UsageError("--device must be auto, cpu or cuda, not '" + o.device + "'");
  if (o.device == "cpu") return false;
  const bool present = kernels::cuda::device_count() > 0;
  if (o.device == "cuda" && !present)
    throw workloads::InputError("--device cuda",
                                kernels::cuda::device_summary() + " (use --device cpu or auto)");
  fmt::print("device {}: {} ({})\n", o.device, present ? "cuda" : "cpu",
             kernels::cuda::device_summary());
  return present;
}

std::optional<kernels::Numerics> numerics_override(const InferOptions& o,
                                                   const workloads::Graph& graph) {
  if (o.requant.empty() && o.overflow.empty() && o.acc_bits == 0 && o.arch.empty())
    return std::nullopt;
  // An accelerator's numerics first (its requantization, accumulator), then any flag.
  kernels::Numerics n = o.arch.empty() ? graph.numerics : select_arch(o.arch)->numerics();
  try {
    if (!o.requant.empty()) n.requant = kernels::requant_mode_from_string(o.requant);
    if (!o.overflow.empty()) n.accumulator.overflow = kernels::overflow_from_string(o.overflow);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (o.acc_bits != 0) {
    if (o.acc_bits < 16 || o.acc_bits > 64)
      throw UsageError(fmt::format("--acc-bits {} outside [16, 64]", o.acc_bits));
    n.accumulator.bits = o.acc_bits;
  }
  return n == graph.numerics ? std::nullopt : std::optional(n);
}

int infer_npy(const InferOptions& o) {
  kernels::IntTensor input = workloads::read_npy(o.input_npy);
  if (input.rank() == 3) input = input.reshaped({1, input.dim(0), input.dim(1), input.dim(2)});
  const workloads::Graph graph = load_model(o.model, true);
  workloads::GoldenEngine engine(graph, numerics_override(o, graph));
  const std::vector<kernels::IntTensor> outputs = engine.run_all(input);
  const std::vector<int32_t> classes = workloads::argmax_classes(outputs.back());
  fmt::print("{}", layer_report(engine, 1).text);
  for (size_t b = 0; b < classes.size(); ++b) fmt::print("input {}: class {}\n", b, classes[b]);
  if (!o.dump_dir.empty()) dump_layer_outputs(o.dump_dir, engine.graph(), outputs);
  return kExitOk;
}

int infer_dataset(const InferOptions& o) {
  const workloads::Dataset data = load_dataset(o.dataset);
  const workloads::Graph graph = load_model(o.model, true, &data);
  const std::optional<kernels::Numerics> other = numerics_override(o, graph);
  workloads::GoldenEngine engine(graph, other);
  // When the numerics were changed, the model's own numerics run beside them so the cost
  // of the change (differing values, accuracy) can be reported.
  std::optional<workloads::GoldenEngine> native;
  if (other) native.emplace(graph);
  // On a GPU the conv/FC layers run on the exact kernels (the golden integers, bit for bit);
  // the comparisons and dumps above stay on the CPU engine.
  std::optional<workloads::ExactEngine> exact;
  if (use_cuda(o)) {
    if (native || !o.dump_dir.empty())
      throw UsageError(
          "--device cuda scores accuracy only: numerics comparisons (--requant, "
          "--arch, --acc-bits, --overflow) and --dump-outputs run with --device cpu");
    exact.emplace(graph, workloads::ExactDevice::Cuda);
    fmt::print("{} conv/FC layers on the GPU's exact kernels, {} on the CPU\n", exact->gpu_layers(),
               exact->cpu_layers().size());
    for (const std::string& why : exact->cpu_layers()) fmt::print("  cpu: {}\n", why);
  }

  const int64_t total = o.images > 0 ? std::min(o.images, data.size()) : data.size();
  std::vector<kernels::Mismatch> mismatch(graph.layers.size());
  int64_t correct = 0, native_correct = 0, agree = 0;
  Progress progress("infer", total);
  const auto start = std::chrono::steady_clock::now();
  std::vector<kernels::IntTensor> first_outputs;
  for (int64_t first = 0; first < total; first += o.batch) {
    const int64_t count = std::min<int64_t>(o.batch, total - first);
    const kernels::IntTensor x = workloads::to_model_input(data, first, count, graph);
    std::vector<int32_t> pred, native_pred;
    if (native) {
      const auto a = engine.run_all(x), b = native->run_all(x);
      for (size_t i = 0; i < a.size(); ++i) accumulate(mismatch[i], kernels::compare(a[i], b[i]));
      pred = workloads::argmax_classes(a.back());
      native_pred = workloads::argmax_classes(b.back());
    } else if (!o.dump_dir.empty() && first == 0) {
      first_outputs = engine.run_all(x);
      pred = workloads::argmax_classes(first_outputs.back());
    } else {
      pred = workloads::argmax_classes(exact ? exact->run(x) : engine.run(x));
    }
    for (int64_t k = 0; k < count; ++k) {
      const int32_t label = data.labels[first + k];
      correct += pred[k] == label;
      if (native) {
        native_correct += native_pred[k] == label;
        agree += pred[k] == native_pred[k];
      }
    }
    progress.update(first + count, fmt::format("top-1 {:.2f}%", 100.0 * correct / (first + count)));
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const LayerReport report = layer_report(engine, total);
  if (!exact) fmt::print("{}", report.text);  // the CPU engine's per-layer profile
  const double accuracy = 100.0 * correct / total;
  fmt::print("\n{} on {} ({} split, {} images): top-1 {:.2f}%  [{} threads, {:.1f} images/s]\n",
             graph.name, data.name, o.dataset.split, total, accuracy, kernels::max_threads(),
             total / seconds);
  if (o.model.is_zoo())
    fmt::print(
        "note: zoo weights are seeded random (seed {}), not trained: expect chance-level "
        "accuracy until a trained model is given\n",
        o.model.seed);
  nlohmann::json json = report.json;
  json["model"] = graph.name;
  json["dataset"] = data.name;
  json["split"] = o.dataset.split;
  json["images"] = total;
  json["top1"] = accuracy;
  json["images_per_second"] = total / seconds;
  json["numerics"] = numerics_json(engine.numerics());
  json["device"] = exact ? "cuda" : "cpu";
  if (native) {
    fmt::print("\nnumerics changed from the model's {} to {}:\n{}", numerics_label(graph.numerics),
               numerics_label(engine.numerics()), mismatch_table(graph, mismatch));
    fmt::print(
        "top-1 with the model's numerics {:.2f}%, with {} {:.2f}%; predictions agree on "
        "{:.2f}% of images\n",
        100.0 * native_correct / total, numerics_label(engine.numerics()), accuracy,
        100.0 * agree / total);
    json["native_numerics"] = numerics_json(graph.numerics);
    json["native_top1"] = 100.0 * native_correct / total;
    json["prediction_agreement"] = 100.0 * agree / total;
    json["mismatch"] = mismatch_json(graph, mismatch);
  }
  if (!o.json_path.empty()) {
    write_file_atomically(o.json_path, json.dump(2) + "\n");
    fmt::print("wrote {}\n", o.json_path);
  }
  if (!o.dump_dir.empty()) dump_layer_outputs(o.dump_dir, engine.graph(), first_outputs);
  return kExitOk;
}

}  // namespace

int cmd_infer(const std::vector<std::string>& args) {
  InferOptions o;
  po::options_description options("options");
  o.model.add_to(options);
  o.dataset.add_to(options);
  options.add_options()("images,n", po::value(&o.images)->default_value(0),
                        "images to run (0: the whole split)")(
      "batch", po::value(&o.batch)->default_value(64), "images per batch")(
      "requant", po::value(&o.requant),
      "run with another requantization mode (onnx|gemmlowp|mulshift) and report what differs")(
      "arch", po::value(&o.arch),
      "run with this accelerator's numerics (its requantization and accumulator), so the dumps "
      "equal `qasim simulate --arch` file for file")(
      "acc-bits", po::value(&o.acc_bits)->default_value(0), "accumulator bits (0: the model's)")(
      "overflow", po::value(&o.overflow), "accumulator overflow: wrap|saturate")(
      "input", po::value(&o.input_npy), "run one input tensor (.npy, CxHxW or NxCxHxW integers)")(
      "dump-outputs", po::value(&o.dump_dir),
      "write every layer's integer output as .npy into DIR (with --input, or the first batch)")(
      "json", po::value(&o.json_path), "write the report as JSON")(
      "threads", po::value(&o.threads)->default_value(0), "kernel threads (0: all cores)")(
      "device", po::value(&o.device)->default_value("cpu"),
      "cpu | cuda | auto: run a dataset's conv/FC layers on the GPU's exact int8/binary kernels "
      "(same integers as the CPU; no per-layer report then)");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim infer --model MODEL [--dataset D] [--images N] [options]\n"
                  "       qasim infer --model MODEL --input X.npy [--dump-outputs DIR]\n\n"
                  "Runs the golden integer reference: every bit of every layer as the hardware\n"
                  "must produce it. On a dataset it prints top-1 accuracy and per-layer stats.",
                  options, positional, vm))
    return kExitOk;
  if (o.batch <= 0) throw UsageError("--batch must be positive");
  if (o.images < 0) throw UsageError("--images must not be negative");
  if (!o.dump_dir.empty() && o.input_npy.empty() && (o.images <= 0 || o.images > o.batch))
    throw UsageError(
        "--dump-outputs on a dataset needs --images N with N <= --batch "
        "(or give one tensor with --input)");
  if (!o.input_npy.empty() && o.device != "cpu")
    throw UsageError("--device applies to a dataset; --input runs on the CPU");
  kernels::set_threads(o.threads);
  return o.input_npy.empty() ? infer_dataset(o) : infer_npy(o);
}

}  // namespace qasim::dse
