// Internal to the zoo: describes a network's structure layer by layer. Precision and
// weights are assigned afterwards (init.h), once the first and last weighted layers and
// every per-layer override are known.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "kernels/ops.h"
#include "workloads/graph.h"

namespace qasim::workloads::zoo {

using kernels::Activation;

struct ConvArgs {
  std::string name;
  int from = 0;
  int out = 0;  // output channels
  int kernel = 1;
  int stride = 1;
  int pad = 0;
  Activation act = Activation::None;
  int groups = 1;
  bool bn = false;   // a BatchNorm follows in the float model (folded: 2*OC params, a bias)
  bool bias = true;  // ignored when bn: a folded BatchNorm always leaves a bias
  float gain = 1.f;  // multiplies the He standard deviation of the random weights
  // Asymmetric padding {top, left, bottom, right}, replacing `pad` when given.
  std::optional<std::array<int, 4>> pads = std::nullopt;
};

class ZooBuilder {
 public:
  ZooBuilder(std::string model_name, Shape3 input, int num_classes, double width_multiplier);

  int conv(const ConvArgs& a);
  int fc(const std::string& name, int from, int out, Activation act, float gain = 1.f);
  // ceil_mode mimics PyTorch's ceil_mode=True with extra bottom/right padding, which is
  // exact for max pooling (padded taps never win).
  int max_pool(const std::string& name, int from, int kernel, int stride, int pad = 0,
               bool ceil_mode = false);
  int avg_pool(const std::string& name, int from, int kernel, int stride);
  int global_avg_pool(const std::string& name, int from);
  int add(const std::string& name, int a, int b, Activation act);
  int concat(const std::string& name, const std::vector<int>& from);
  // torchvision's AdaptiveAvgPool2d((target, target)) before a classifier; see builder.cpp.
  int adaptive_avg_pool(const std::string& name, int from, int target);
  // Option-A shortcut (He et al. 2016, CIFAR): stride-`stride` subsampling and zero-padded
  // channels, as a 1x1 conv with fixed 0/1 weights; see builder.cpp.
  int shortcut_option_a(const std::string& name, int from, int out, int stride);

  Shape3 shape(int layer) const {
    return m_graph.layers.at(static_cast<size_t>(layer)).output_shape;
  }
  int channels(int layer) const { return shape(layer).c; }
  int num_classes() const { return m_graph.num_classes; }
  // A hidden channel count scaled by the width multiplier, rounded to a multiple of
  // `divisor` the way torchvision's _make_divisible does (never below 90% of the target).
  int width(int channels, int divisor = 1) const;

  Graph& graph() { return m_graph; }
  const std::vector<float>& gains() const { return m_gains; }

 private:
  int push(Layer layer, float gain = 1.f);

  Graph m_graph;
  std::vector<float> m_gains;  // one per layer: He-std multiplier of its random weights
  double m_width;
};

// One function per architecture family; each adds its layers after the input (layer 0).
void build_lenet5(ZooBuilder& b);
void build_resnet_cifar(ZooBuilder& b, int depth);
void build_resnet_imagenet(ZooBuilder& b, int depth);
void build_alexnet(ZooBuilder& b);
void build_vgg16(ZooBuilder& b);
void build_mobilenet_v1(ZooBuilder& b);
void build_mobilenet_v2(ZooBuilder& b);
void build_squeezenet1_1(ZooBuilder& b);

}  // namespace qasim::workloads::zoo
