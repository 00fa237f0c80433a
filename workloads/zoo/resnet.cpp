// ImageNet ResNets in torchvision's layout (He et al. 2016; torchvision.models.resnet):
// 7x7/2 stem, 3x3/2 max pool, four stages of basic (18, 34) or bottleneck (50) blocks,
// global average pool, FC. Bottlenecks stride in the 3x3 conv ("v1.5", as torchvision).
// Every conv is followed by a BatchNorm, folded here: batchnorm_folded and a bias.
// Projection shortcuts (1x1 conv + BN, option B) where the shape changes.
#include <fmt/format.h>

#include <array>
#include <cmath>

#include "workloads/zoo/builder.h"

namespace qasim::workloads::zoo {

void build_resnet_imagenet(ZooBuilder& b, int depth) {
  const bool bottleneck = depth >= 50;
  const std::array<int, 4> blocks =
      depth == 18 ? std::array<int, 4>{2, 2, 2, 2} : std::array<int, 4>{3, 4, 6, 3};
  const int expansion = bottleneck ? 4 : 1;
  const auto branch_gain =
      static_cast<float>(1.0 / std::sqrt(blocks[0] + blocks[1] + blocks[2] + blocks[3]));
  int x = b.conv({.name = "conv1",
                  .from = 0,
                  .out = b.width(64),
                  .kernel = 7,
                  .stride = 2,
                  .pad = 3,
                  .act = Activation::Relu,
                  .bn = true});
  x = b.max_pool("maxpool", x, 3, 2, 1);
  for (int stage = 0; stage < 4; ++stage) {
    const int planes = b.width(64 << stage);
    for (int block = 0; block < blocks[stage]; ++block) {
      const std::string name = fmt::format("layer{}.{}", stage + 1, block);
      const int stride = stage > 0 && block == 0 ? 2 : 1;
      int y;
      if (bottleneck) {
        y = b.conv({.name = name + ".conv1",
                    .from = x,
                    .out = planes,
                    .act = Activation::Relu,
                    .bn = true});
        y = b.conv({.name = name + ".conv2",
                    .from = y,
                    .out = planes,
                    .kernel = 3,
                    .stride = stride,
                    .pad = 1,
                    .act = Activation::Relu,
                    .bn = true});
        y = b.conv({.name = name + ".conv3",
                    .from = y,
                    .out = planes * expansion,
                    .bn = true,
                    .gain = branch_gain});
      } else {
        y = b.conv({.name = name + ".conv1",
                    .from = x,
                    .out = planes,
                    .kernel = 3,
                    .stride = stride,
                    .pad = 1,
                    .act = Activation::Relu,
                    .bn = true});
        y = b.conv({.name = name + ".conv2",
                    .from = y,
                    .out = planes,
                    .kernel = 3,
                    .pad = 1,
                    .bn = true,
                    .gain = branch_gain});
      }
      int shortcut = x;
      if (stride != 1 || b.channels(x) != planes * expansion)
        shortcut = b.conv({.name = name + ".downsample.0",
                           .from = x,
                           .out = planes * expansion,
                           .stride = stride,
                           .bn = true});
      x = b.add(name + ".add", y, shortcut, Activation::Relu);
    }
  }
  x = b.global_avg_pool("avgpool", x);  // AdaptiveAvgPool2d((1, 1))
  b.fc("fc", x, b.num_classes(), Activation::None);
}

}  // namespace qasim::workloads::zoo
