#include "dse/model_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "sim/yaml_params.h"
#include "workloads/calibrate.h"
#include "workloads/errors.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/zoo/zoo.h"

namespace qasim::dse {

using workloads::InputError;

void ModelOptions::add_to(po::options_description& options) {
  options.add_options()("model,m", po::value(&spec),
                        "zoo:NAME (see `qasim zoo list`) or a quantized .onnx file")(
      "input-shape", po::value(&input_shape),
      "zoo models: input as CxHxW, e.g. 1x28x28 (default: the dataset's, else the model's)")(
      "classes", po::value(&classes), "zoo models: number of classes (default: the dataset's)")(
      "width", po::value(&width)->default_value(1.0), "zoo models: channel width multiplier")(
      "wbits", po::value(&wbits)->default_value(8), "zoo models: weight bits (1-16)")(
      "abits", po::value(&abits)->default_value(8), "zoo models: activation bits (2-16)")(
      "scheme", po::value(&scheme)->default_value("uniform"),
      "zoo models: weight scheme uniform|binary|ternary|pow2|codebook|fixed")(
      "first-bits", po::value(&first_bits)->default_value(0),
      "zoo models: first layer weight bits (0: 8 when --wbits < 8)")(
      "last-bits", po::value(&last_bits)->default_value(0),
      "zoo models: last layer weight bits (0: 8 when --wbits < 8)")(
      "precision", po::value(&precision_file),
      "zoo models: YAML of per-layer precision, layer: {wbits: 4, abits: 4, scheme: uniform}")(
      "seed", po::value(&seed)->default_value(1), "zoo models: seed of the random weights");
}

void DatasetOptions::add_to(po::options_description& options) {
  options.add_options()(
      "dataset,d", po::value(&spec)->default_value("fashion-mnist"),
      "fashion-mnist (Debian's dataset-fashion-mnist) | idx:IMAGES,LABELS (MNIST-format) | "
      "cifar10:DIR (binary batches) | synthetic")("split", po::value(&split)->default_value("test"),
                                                  "test or train");
}

namespace {

workloads::Shape3 parse_shape(const std::string& text) {
  workloads::Shape3 s;
  char x1 = 0, x2 = 0;
  std::istringstream in(text);
  if (!(in >> s.c >> x1 >> s.h >> x2 >> s.w) || x1 != 'x' || x2 != 'x' || !in.eof() || s.c <= 0 ||
      s.h <= 0 || s.w <= 0)
    throw UsageError(
        fmt::format("--input-shape '{}' is not CxHxW with positive sizes (e.g. 3x32x32)", text));
  return s;
}

workloads::ZooOptions zoo_options(const ModelOptions& o, const workloads::Dataset* fit_to) {
  workloads::ZooOptions zoo;
  if (!o.input_shape.empty()) {
    const workloads::Shape3 s = parse_shape(o.input_shape);
    zoo.input_channels = s.c;
    zoo.input_height = s.h;
    zoo.input_width = s.w;
  } else if (fit_to) {
    zoo.input_channels = fit_to->channels;
    zoo.input_height = fit_to->height;
    zoo.input_width = fit_to->width;
  }
  zoo.num_classes = o.classes > 0 ? o.classes : fit_to ? fit_to->num_classes : 0;
  zoo.width_multiplier = o.width;
  zoo.weight_bits = o.wbits;
  zoo.activation_bits = o.abits;
  try {
    zoo.weight_scheme = kernels::scheme_from_string(o.scheme);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  zoo.first_layer_bits = o.first_bits;
  zoo.last_layer_bits = o.last_bits;
  zoo.seed = o.seed;
  if (!o.precision_file.empty()) zoo.layer_precision = read_layer_precision(o.precision_file);
  for (const auto& [layer, p] : o.layer_precision) zoo.layer_precision[layer] = p;
  return zoo;
}

}  // namespace

std::map<std::string, workloads::LayerPrecision> read_layer_precision(const std::string& path) {
  const YAML::Node root = sim::load_yaml_file(path);
  if (!root.IsMap())
    throw InputError(sim::yaml_place(root, path), "expected a mapping of layer name -> precision");
  std::map<std::string, workloads::LayerPrecision> out;
  for (const auto& kv : root) {
    const std::string layer = kv.first.as<std::string>();
    sim::require_known_keys(kv.second, {"wbits", "abits", "scheme"}, path);
    workloads::LayerPrecision p;
    if (kv.second["wbits"])
      p.weight_bits = sim::yaml_scalar<int>(kv.second["wbits"], "wbits", path);
    if (kv.second["abits"])
      p.activation_bits = sim::yaml_scalar<int>(kv.second["abits"], "abits", path);
    if (kv.second["scheme"]) {
      const YAML::Node n = kv.second["scheme"];
      try {
        p.scheme = kernels::scheme_from_string(sim::yaml_scalar<std::string>(n, "scheme", path));
      } catch (const std::invalid_argument& e) {
        throw InputError(sim::yaml_place(n, path), e.what());
      }
    }
    out[layer] = p;
  }
  return out;
}

workloads::Graph load_model(const ModelOptions& o, bool with_weights,
                            const workloads::Dataset* fit_to) {
  if (o.spec.empty()) throw UsageError("no model given (--model zoo:NAME or a .onnx file)");
  if (!o.is_zoo()) {
    if (!std::filesystem::exists(o.spec))
      throw InputError(o.spec, "no such file (a model is zoo:NAME or a path to a .onnx file)");
    return workloads::import_onnx(o.spec);
  }
  const std::string name = o.spec.substr(4);
  workloads::Graph graph = workloads::make_zoo_model(name, zoo_options(o, fit_to), with_weights);
  if (with_weights) {
    const workloads::Shape3 in = graph.input().output_shape;
    constexpr int kCalibrationImages = 32;
    const workloads::Dataset samples =
        fit_to ? *fit_to
               : workloads::make_synthetic(kCalibrationImages, in.c, in.h, in.w,
                                           std::max(graph.num_classes, 2), o.seed);
    const int64_t count = std::min<int64_t>(kCalibrationImages, samples.size());
    workloads::calibrate_activation_scales(graph,
                                           workloads::to_model_input(samples, 0, count, graph));
  }
  return graph;
}

workloads::Dataset load_dataset(const DatasetOptions& o) {
  if (o.split != "test" && o.split != "train")
    throw UsageError(fmt::format("--split '{}' must be test or train", o.split));
  const bool train = o.split == "train";
  if (o.spec == "fashion-mnist") return workloads::load_fashion_mnist(o.split);
  if (o.spec == "synthetic") return workloads::make_synthetic(train ? 2048 : 512, 1, 28, 28, 10, 7);
  if (o.spec.rfind("idx:", 0) == 0) {
    const std::string rest = o.spec.substr(4);
    const size_t comma = rest.find(',');
    if (comma == std::string::npos)
      throw UsageError("--dataset idx:IMAGES,LABELS needs both files, separated by a comma");
    return workloads::load_idx_dataset(rest.substr(0, comma), rest.substr(comma + 1));
  }
  if (o.spec.rfind("cifar10:", 0) == 0) return workloads::load_cifar10(o.spec.substr(8), o.split);
  throw UsageError(fmt::format(
      "unknown dataset '{}' (fashion-mnist, idx:IMAGES,LABELS, cifar10:DIR or synthetic)", o.spec));
}

}  // namespace qasim::dse
