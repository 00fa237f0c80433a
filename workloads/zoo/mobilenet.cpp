// MobileNets with every BatchNorm folded (batchnorm_folded, a bias per conv).
// v1: Howard et al. 2017, Table 1: a 3x3/2 conv, 13 depthwise-separable blocks (3x3
//     depthwise + 1x1 pointwise, each with BN and ReLU), average pool, FC. Names follow
//     the Keras application (conv1, conv_dw_N, conv_pw_N).
// v2: Sandler et al. 2018 in torchvision's layout and names: inverted residual blocks
//     (1x1 expansion, 3x3 depthwise, ReLU6; linear 1x1 projection), a residual add where
//     stride is 1 and the width is unchanged, a 1x1 conv to 1280, average pool, FC.
#include <fmt/format.h>

#include <cmath>

#include "workloads/zoo/builder.h"

namespace qasim::workloads::zoo {

void build_mobilenet_v1(ZooBuilder& b) {
  int x = b.conv({.name = "conv1",
                  .from = 0,
                  .out = b.width(32),
                  .kernel = 3,
                  .stride = 2,
                  .pad = 1,
                  .act = Activation::Relu,
                  .bn = true});
  struct Block {
    int out, stride;
  };
  const Block blocks[] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1},  {512, 2}, {512, 1},
                          {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int index = 1;
  for (const Block& blk : blocks) {
    const int in = b.channels(x);
    x = b.conv({.name = fmt::format("conv_dw_{}", index),
                .from = x,
                .out = in,
                .kernel = 3,
                .stride = blk.stride,
                .pad = 1,
                .act = Activation::Relu,
                .groups = in,
                .bn = true});
    x = b.conv({.name = fmt::format("conv_pw_{}", index),
                .from = x,
                .out = b.width(blk.out),
                .act = Activation::Relu,
                .bn = true});
    ++index;
  }
  x = b.global_avg_pool("avgpool", x);  // the paper's 7x7 average pool at 224x224
  b.fc("fc", x, b.num_classes(), Activation::None);
}

void build_mobilenet_v2(ZooBuilder& b) {
  struct Stage {
    int expand, out, repeat, stride;  // t, c, n, s of the paper's Table 2
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int residual_blocks = 0;
  for (const Stage& s : stages) residual_blocks += s.repeat - 1;
  const auto branch_gain = static_cast<float>(1.0 / std::sqrt(residual_blocks));

  int x = b.conv({.name = "features.0.0",
                  .from = 0,
                  .out = b.width(32, 8),
                  .kernel = 3,
                  .stride = 2,
                  .pad = 1,
                  .act = Activation::Relu6,
                  .bn = true});
  int index = 1;
  for (const Stage& s : stages) {
    const int out = b.width(s.out, 8);
    for (int r = 0; r < s.repeat; ++r, ++index) {
      const int stride = r == 0 ? s.stride : 1;
      const int in = b.channels(x);
      const bool residual = stride == 1 && in == out;
      const int hidden = in * s.expand;
      const std::string name = fmt::format("features.{}.conv", index);
      int part = 0, y = x;
      if (s.expand != 1)
        y = b.conv({.name = fmt::format("{}.{}.0", name, part++),
                    .from = y,
                    .out = hidden,
                    .act = Activation::Relu6,
                    .bn = true});
      y = b.conv({.name = fmt::format("{}.{}.0", name, part++),
                  .from = y,
                  .out = hidden,
                  .kernel = 3,
                  .stride = stride,
                  .pad = 1,
                  .act = Activation::Relu6,
                  .groups = hidden,
                  .bn = true});
      y = b.conv({.name = fmt::format("{}.{}", name, part),
                  .from = y,
                  .out = out,
                  .bn = true,
                  .gain = residual ? branch_gain : 1.f});
      x = residual ? b.add(fmt::format("features.{}.add", index), y, x, Activation::None) : y;
    }
  }
  const int last_channel = b.width(1280, 8) > 1280 ? b.width(1280, 8) : 1280;
  x = b.conv({.name = fmt::format("features.{}.0", index),
              .from = x,
              .out = last_channel,
              .act = Activation::Relu6,
              .bn = true});
  x = b.global_avg_pool("avgpool", x);  // adaptive_avg_pool2d(x, (1, 1))
  b.fc("classifier.1", x, b.num_classes(), Activation::None);
}

}  // namespace qasim::workloads::zoo
