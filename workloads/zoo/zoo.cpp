#include "workloads/zoo/zoo.h"

#include <fmt/format.h>

#include <functional>

#include "workloads/errors.h"
#include "workloads/zoo/builder.h"
#include "workloads/zoo/init.h"

namespace qasim::workloads {

namespace {

struct Model {
  ZooEntry entry;
  std::function<void(zoo::ZooBuilder&)> build;
};

const std::vector<Model>& registry() {
  using namespace zoo;
  const Shape3 imagenet{3, 224, 224}, cifar{3, 32, 32}, mnist{1, 32, 32};
  static const std::vector<Model> models = {
      {{"lenet5", "LeNet-5 (LeCun 1998), full C3 connections, ReLU, average pooling", mnist, 10,
        "mnist, fashion-mnist", 1},
       build_lenet5},
      {{"resnet8", "CIFAR ResNet-8 (He 2016, n=1), option-A shortcuts", cifar, 10, "cifar10", 1},
       [](ZooBuilder& b) { build_resnet_cifar(b, 8); }},
      {{"resnet20", "CIFAR ResNet-20 (He 2016, n=3), option-A shortcuts", cifar, 10, "cifar10", 1},
       [](ZooBuilder& b) { build_resnet_cifar(b, 20); }},
      {{"resnet32", "CIFAR ResNet-32 (He 2016, n=5), option-A shortcuts", cifar, 10, "cifar10", 1},
       [](ZooBuilder& b) { build_resnet_cifar(b, 32); }},
      {{"resnet56", "CIFAR ResNet-56 (He 2016, n=9), option-A shortcuts", cifar, 10, "cifar10", 1},
       [](ZooBuilder& b) { build_resnet_cifar(b, 56); }},
      {{"resnet18", "ResNet-18, torchvision layout, BatchNorm folded", imagenet, 1000, "imagenet",
        1},
       [](ZooBuilder& b) { build_resnet_imagenet(b, 18); }},
      {{"resnet34", "ResNet-34, torchvision layout, BatchNorm folded", imagenet, 1000, "imagenet",
        1},
       [](ZooBuilder& b) { build_resnet_imagenet(b, 34); }},
      {{"resnet50", "ResNet-50 (v1.5 bottlenecks), torchvision layout, BatchNorm folded", imagenet,
        1000, "imagenet", 1},
       [](ZooBuilder& b) { build_resnet_imagenet(b, 50); }},
      {{"alexnet", "AlexNet, torchvision layout (one-weird-trick widths)", imagenet, 1000,
        "imagenet", 63},
       build_alexnet},
      {{"vgg16", "VGG-16 (configuration D), torchvision layout, no BatchNorm", imagenet, 1000,
        "imagenet", 32},
       build_vgg16},
      {{"mobilenet_v1", "MobileNet-v1 (Howard 2017), depthwise separable, ReLU, BN folded",
        imagenet, 1000, "imagenet", 1},
       build_mobilenet_v1},
      {{"mobilenet_v2",
        "MobileNet-v2 (Sandler 2018), inverted residuals, ReLU6, linear bottlenecks, BN folded",
        imagenet, 1000, "imagenet", 1},
       build_mobilenet_v2},
      {{"squeezenet1_1", "SqueezeNet 1.1, torchvision layout, fire modules with concat", imagenet,
        1000, "imagenet", 17},
       build_squeezenet1_1},
  };
  return models;
}

const Model& find_model(const std::string& name) {
  std::string known;
  for (const Model& m : registry()) {
    if (m.entry.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.entry.name;
  }
  throw InputError("model zoo", fmt::format("unknown model '{}' (known: {})", name, known));
}

}  // namespace

std::vector<ZooEntry> zoo_list() {
  std::vector<ZooEntry> out;
  for (const Model& m : registry()) out.push_back(m.entry);
  return out;
}

const ZooEntry& zoo_entry(const std::string& name) {
  return find_model(name).entry;
}

Graph make_zoo_model(const std::string& name, const ZooOptions& options, bool with_weights) {
  const Model& m = find_model(name);
  const std::string where = fmt::format("model '{}'", name);
  Shape3 input = m.entry.default_input;
  if (options.input_channels) input.c = options.input_channels;
  if (options.input_height) input.h = options.input_height;
  if (options.input_width) input.w = options.input_width;
  const int classes = options.num_classes ? options.num_classes : m.entry.default_classes;
  if (input.c <= 0 || input.h <= 0 || input.w <= 0)
    throw InputError(where, "input shape must be positive, got " + to_string(input));
  if (classes <= 0) throw InputError(where, fmt::format("{} classes", classes));
  if (!(options.width_multiplier > 0 && options.width_multiplier <= 16))
    throw InputError(where,
                     fmt::format("width multiplier {} outside (0, 16]", options.width_multiplier));
  zoo::ZooBuilder b(name, input, classes, options.width_multiplier);
  m.build(b);
  Graph g = std::move(b.graph());
  zoo::assign_precision_and_weights(g, b.gains(), options, with_weights);
  return g;
}

int64_t learned_params(const Graph& graph) {
  int64_t n = 0;
  for (size_t i = 0; i < graph.layers.size(); ++i)
    if (!graph.layers[i].fixed_weights) n += graph.layer_params(i);
  return n;
}

int64_t learned_macs(const Graph& graph) {
  int64_t n = 0;
  for (size_t i = 0; i < graph.layers.size(); ++i)
    if (!graph.layers[i].fixed_weights) n += graph.layer_macs(i);
  return n;
}

}  // namespace qasim::workloads
