// LeNet-5 (LeCun et al., "Gradient-based learning applied to document recognition", 1998):
// C1 6@5x5, S2, C3 16@5x5, S4, C5 120@5x5, F6 84, output 10.
// Differences from the paper, all usual in modern re-implementations: C3 connects every
// S2 map (the paper's partial table has 1,516 instead of 2,416 parameters), subsampling is
// a plain 2x2 average (the paper's per-map coefficient and bias fold into the next
// layer), the squashing function is ReLU (integer hardware has no scaled tanh), and the
// output layer is an FC instead of RBF units.
#include <algorithm>

#include "workloads/zoo/builder.h"

namespace qasim::workloads::zoo {

void build_lenet5(ZooBuilder& b) {
  // The paper feeds 28x28 MNIST digits padded to 32x32; a smaller input is padded the same
  // way (by C1), so every later layer, parameter count included, stays the paper's.
  const Shape3 in = b.shape(0);
  const int pad_h = std::max(0, 32 - in.h), pad_w = std::max(0, 32 - in.w);
  const std::array<int, 4> pads = {pad_h / 2, pad_w / 2, pad_h - pad_h / 2, pad_w - pad_w / 2};
  int x = b.conv({.name = "conv1",
                  .from = 0,
                  .out = b.width(6),
                  .kernel = 5,
                  .act = Activation::Relu,
                  .pads = pads});
  x = b.avg_pool("pool1", x, 2, 2);
  x = b.conv(
      {.name = "conv2", .from = x, .out = b.width(16), .kernel = 5, .act = Activation::Relu});
  x = b.avg_pool("pool2", x, 2, 2);
  x = b.conv(
      {.name = "conv3", .from = x, .out = b.width(120), .kernel = 5, .act = Activation::Relu});
  x = b.fc("fc1", x, b.width(84), Activation::Relu);
  b.fc("fc2", x, b.num_classes(), Activation::None);
}

}  // namespace qasim::workloads::zoo
