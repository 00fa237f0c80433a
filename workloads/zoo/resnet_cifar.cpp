// CIFAR ResNets (He et al., "Deep Residual Learning for Image Recognition", 2016, sec. 4.2):
// a 3x3 conv with 16 filters, three stages of n basic blocks with 16/32/64 filters (the
// first block of stages 2 and 3 has stride 2), global average pooling and a 10-way FC;
// depth = 6n + 2. Shortcuts are option A (parameter-free), as in the paper's CIFAR
// experiments, whose parameter counts (0.27 M for ResNet-20) include no shortcut weights.
#include <fmt/format.h>

#include <cmath>

#include "workloads/zoo/builder.h"

namespace qasim::workloads::zoo {

void build_resnet_cifar(ZooBuilder& b, int depth) {
  const int n = (depth - 2) / 6;
  // Random weights: the last conv of each residual branch is scaled down (as Fixup does) so
  // the activation range grows gently instead of doubling at every add.
  const auto branch_gain = static_cast<float>(1.0 / std::sqrt(3.0 * n));
  int x = b.conv({.name = "conv1",
                  .from = 0,
                  .out = b.width(16),
                  .kernel = 3,
                  .pad = 1,
                  .act = Activation::Relu,
                  .bn = true});
  for (int stage = 0; stage < 3; ++stage) {
    const int planes = b.width(16 << stage);
    for (int block = 0; block < n; ++block) {
      const std::string name = fmt::format("layer{}.{}", stage + 1, block);
      const int stride = stage > 0 && block == 0 ? 2 : 1;
      const int a = b.conv({.name = name + ".conv1",
                            .from = x,
                            .out = planes,
                            .kernel = 3,
                            .stride = stride,
                            .pad = 1,
                            .act = Activation::Relu,
                            .bn = true});
      const int c = b.conv({.name = name + ".conv2",
                            .from = a,
                            .out = planes,
                            .kernel = 3,
                            .pad = 1,
                            .bn = true,
                            .gain = branch_gain});
      int shortcut = x;
      if (stride != 1 || b.channels(x) != planes)
        shortcut = b.shortcut_option_a(name + ".shortcut", x, planes, stride);
      x = b.add(name + ".add", c, shortcut, Activation::Relu);
    }
  }
  x = b.global_avg_pool("avgpool", x);
  b.fc("fc", x, b.num_classes(), Activation::None);
}

}  // namespace qasim::workloads::zoo
