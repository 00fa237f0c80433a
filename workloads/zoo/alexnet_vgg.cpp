// AlexNet and VGG-16 in torchvision's layout (layer names are torchvision's module paths).
// AlexNet: torchvision follows Krizhevsky's "One weird trick" single-tower widths
// (64-192-384-256-256), not the 2012 paper's two towers. VGG-16: Simonyan & Zisserman
// 2015, configuration D, without BatchNorm. Dropout is a training-time no-op.
#include <fmt/format.h>

#include <array>

#include "workloads/zoo/builder.h"

namespace qasim::workloads::zoo {

namespace {

// The three-FC classifier both share; FC indices are torchvision's.
void classifier(ZooBuilder& b, int x, std::array<int, 3> index) {
  x = b.fc(fmt::format("classifier.{}", index[0]), x, b.width(4096), Activation::Relu);
  x = b.fc(fmt::format("classifier.{}", index[1]), x, b.width(4096), Activation::Relu);
  b.fc(fmt::format("classifier.{}", index[2]), x, b.num_classes(), Activation::None);
}

}  // namespace

void build_alexnet(ZooBuilder& b) {
  struct Conv {
    int index, out, kernel, stride, pad;
    bool pool_after;
  };
  const Conv convs[] = {{0, 64, 11, 4, 2, true},
                        {3, 192, 5, 1, 2, true},
                        {6, 384, 3, 1, 1, false},
                        {8, 256, 3, 1, 1, false},
                        {10, 256, 3, 1, 1, true}};
  int x = 0;
  for (const Conv& c : convs) {
    x = b.conv({.name = fmt::format("features.{}", c.index),
                .from = x,
                .out = b.width(c.out),
                .kernel = c.kernel,
                .stride = c.stride,
                .pad = c.pad,
                .act = Activation::Relu});
    if (c.pool_after) x = b.max_pool(fmt::format("features.{}", c.index + 2), x, 3, 2);
  }
  x = b.adaptive_avg_pool("avgpool", x, 6);
  classifier(b, x, {1, 4, 6});
}

void build_vgg16(ZooBuilder& b) {
  constexpr int kPool = 0;
  const int cfg[] = {64,    64,  kPool, 128, 128,   kPool, 256, 256, 256,
                     kPool, 512, 512,   512, kPool, 512,   512, 512, kPool};
  int x = 0, index = 0;
  for (int v : cfg) {
    if (v == kPool) {
      x = b.max_pool(fmt::format("features.{}", index), x, 2, 2);
      index += 1;
    } else {
      x = b.conv({.name = fmt::format("features.{}", index),
                  .from = x,
                  .out = b.width(v),
                  .kernel = 3,
                  .pad = 1,
                  .act = Activation::Relu});
      index += 2;  // conv, ReLU
    }
  }
  x = b.adaptive_avg_pool("avgpool", x, 7);
  classifier(b, x, {0, 3, 6});
}

}  // namespace qasim::workloads::zoo
