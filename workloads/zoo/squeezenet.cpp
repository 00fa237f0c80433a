// SqueezeNet 1.1 (Iandola et al. 2016; the v1.1 revision from the authors' repository) in
// torchvision's layout: a 3x3/2 conv with 64 filters, eight fire modules between three
// ceil-mode 3x3/2 max pools, a 1x1 conv classifier with ReLU, and global average pooling.
// A fire module squeezes with a 1x1 conv, then expands with parallel 1x1 and 3x3 convs
// whose outputs are concatenated. Convs have biases, no BatchNorm.
#include <fmt/format.h>

#include "workloads/zoo/builder.h"

namespace qasim::workloads::zoo {

namespace {

int fire(ZooBuilder& b, int index, int x, int squeeze, int expand) {
  const std::string name = fmt::format("features.{}", index);
  const int s = b.conv(
      {.name = name + ".squeeze", .from = x, .out = b.width(squeeze), .act = Activation::Relu});
  const int e1 = b.conv(
      {.name = name + ".expand1x1", .from = s, .out = b.width(expand), .act = Activation::Relu});
  const int e3 = b.conv({.name = name + ".expand3x3",
                         .from = s,
                         .out = b.width(expand),
                         .kernel = 3,
                         .pad = 1,
                         .act = Activation::Relu});
  return b.concat(name + ".concat", {e1, e3});
}

}  // namespace

void build_squeezenet1_1(ZooBuilder& b) {
  int x = b.conv({.name = "features.0",
                  .from = 0,
                  .out = b.width(64),
                  .kernel = 3,
                  .stride = 2,
                  .act = Activation::Relu});
  x = b.max_pool("features.2", x, 3, 2, 0, true);
  x = fire(b, 3, x, 16, 64);
  x = fire(b, 4, x, 16, 64);
  x = b.max_pool("features.5", x, 3, 2, 0, true);
  x = fire(b, 6, x, 32, 128);
  x = fire(b, 7, x, 32, 128);
  x = b.max_pool("features.8", x, 3, 2, 0, true);
  x = fire(b, 9, x, 48, 192);
  x = fire(b, 10, x, 48, 192);
  x = fire(b, 11, x, 64, 256);
  x = fire(b, 12, x, 64, 256);
  // torchvision: Dropout, Conv2d(512, classes, 1), ReLU, AdaptiveAvgPool2d((1, 1)).
  x = b.conv({.name = "classifier.1", .from = x, .out = b.num_classes(), .act = Activation::Relu});
  b.global_avg_pool("classifier.3", x);
}

}  // namespace qasim::workloads::zoo
