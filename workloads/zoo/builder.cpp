#include "workloads/zoo/builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "workloads/errors.h"

namespace qasim::workloads::zoo {

ZooBuilder::ZooBuilder(std::string model_name, Shape3 input, int num_classes,
                       double width_multiplier)
    : m_width(width_multiplier) {
  m_graph.name = std::move(model_name);
  m_graph.num_classes = num_classes;
  Layer in;
  in.name = "input";
  in.kind = OpKind::Input;
  in.output_shape = input;
  push(std::move(in));
}

int ZooBuilder::push(Layer layer, float gain) {
  const kernels::ConvGeometry& g = layer.geometry;
  if (layer.kind == OpKind::Conv || layer.kind == OpKind::MaxPool ||
      layer.kind == OpKind::AvgPool) {
    // ConvGeometry::out_h truncates towards zero, so a window larger than its padded input
    // would still give one output; PyTorch rejects it, and so does the zoo.
    const Shape3 in = shape(layer.inputs.at(0));
    if (in.h + g.pad_top + g.pad_bottom < g.dilation_h * (g.kernel_h - 1) + 1 ||
        in.w + g.pad_left + g.pad_right < g.dilation_w * (g.kernel_w - 1) + 1)
      throw InputError(
          fmt::format("model '{}', layer {} '{}'", m_graph.name, m_graph.layers.size(), layer.name),
          fmt::format("window {}x{} does not fit input {} (input too small for "
                      "this architecture)",
                      g.kernel_h, g.kernel_w, to_string(in)));
  }
  m_graph.layers.push_back(std::move(layer));
  m_gains.push_back(gain);
  // Shapes are inferred as the network grows so builders can size what follows (adaptive
  // pools, ceil-mode padding); a misfit is reported at the layer where it happens.
  m_graph.infer_shapes();
  return static_cast<int>(m_graph.layers.size()) - 1;
}

int ZooBuilder::width(int channels, int divisor) const {
  if (m_width == 1.0) return channels;
  const double v = channels * m_width;
  int c = std::max(divisor, static_cast<int>(v + divisor / 2.0) / divisor * divisor);
  if (c < 0.9 * v) c += divisor;
  return c;
}

int ZooBuilder::conv(const ConvArgs& a) {
  Layer l;
  l.name = a.name;
  l.kind = OpKind::Conv;
  l.inputs = {a.from};
  l.out_channels = a.out;
  l.geometry.kernel_h = l.geometry.kernel_w = a.kernel;
  l.geometry.stride_h = l.geometry.stride_w = a.stride;
  l.geometry.pad_top = l.geometry.pad_left = l.geometry.pad_bottom = l.geometry.pad_right = a.pad;
  if (a.pads) {
    l.geometry.pad_top = (*a.pads)[0];
    l.geometry.pad_left = (*a.pads)[1];
    l.geometry.pad_bottom = (*a.pads)[2];
    l.geometry.pad_right = (*a.pads)[3];
  }
  l.geometry.groups = a.groups;
  l.activation = a.act;
  l.batchnorm_folded = a.bn;
  l.has_bias = a.bn || a.bias;
  return push(std::move(l), a.gain);
}

int ZooBuilder::fc(const std::string& name, int from, int out, Activation act, float gain) {
  Layer l;
  l.name = name;
  l.kind = OpKind::FullyConnected;
  l.inputs = {from};
  l.out_channels = out;
  l.activation = act;
  return push(std::move(l), gain);
}

int ZooBuilder::max_pool(const std::string& name, int from, int kernel, int stride, int pad,
                         bool ceil_mode) {
  Layer l;
  l.name = name;
  l.kind = OpKind::MaxPool;
  l.inputs = {from};
  kernels::ConvGeometry& g = l.geometry;
  g.kernel_h = g.kernel_w = kernel;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = pad;
  if (ceil_mode) {
    // PyTorch: out = ceil((in + 2p - k) / s) + 1, minus one if the last window would start
    // in the right padding. Padding the bottom/right by the remainder gives the same out.
    const Shape3 in = shape(from);
    auto extra = [&](int size) {
      const int span = size + 2 * pad - kernel;
      const int num = span + stride - 1;
      int out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
      if ((out - 1) * stride >= size + pad) --out;
      return out >= 1 ? std::max(0, (out - 1) * stride - span) : 0;
    };
    g.pad_bottom += extra(in.h);
    g.pad_right += extra(in.w);
  }
  return push(std::move(l));
}

int ZooBuilder::avg_pool(const std::string& name, int from, int kernel, int stride) {
  Layer l;
  l.name = name;
  l.kind = OpKind::AvgPool;
  l.inputs = {from};
  l.geometry.kernel_h = l.geometry.kernel_w = kernel;
  l.geometry.stride_h = l.geometry.stride_w = stride;
  return push(std::move(l));
}

int ZooBuilder::global_avg_pool(const std::string& name, int from) {
  Layer l;
  l.name = name;
  l.kind = OpKind::GlobalAvgPool;
  l.inputs = {from};
  return push(std::move(l));
}

int ZooBuilder::add(const std::string& name, int a, int b, Activation act) {
  Layer l;
  l.name = name;
  l.kind = OpKind::Add;
  l.inputs = {a, b};
  l.activation = act;
  return push(std::move(l));
}

int ZooBuilder::concat(const std::string& name, const std::vector<int>& from) {
  Layer l;
  l.name = name;
  l.kind = OpKind::Concat;
  l.inputs = from;
  return push(std::move(l));
}

// torchvision ends AlexNet (6x6) and VGG (7x7) features with AdaptiveAvgPool2d, which at
// the default 224x224 input is the identity. The IR has fixed-window pools only, so:
//  - a dimension equal to the target needs no pooling (no layer at 224x224: MACs and
//    parameters stay exactly torchvision's);
//  - a dimension that is a multiple of the target pools with kernel = stride = in/target,
//    exactly what the adaptive pool computes;
//  - any other larger dimension uses stride floor(in/target) and the kernel that makes
//    the output exactly `target` (windows overlap slightly where PyTorch's vary in size);
//  - a dimension smaller than the target is left alone and the classifier's fan-in
//    shrinks. PyTorch would replicate pixels up to the target instead, which equals an FC
//    on the small map whose weights are sums of the replicas, so nothing is lost; it is
//    also what CIFAR-sized VGG/AlexNet variants do (e.g. a 512->4096 FC at 32x32).
int ZooBuilder::adaptive_avg_pool(const std::string& name, int from, int target) {
  const Shape3 in = shape(from);
  auto window = [&](int size) -> std::pair<int, int> {  // kernel, stride
    if (size <= target) return {1, 1};
    const int stride = size / target;
    return {size - (target - 1) * stride, stride};
  };
  const auto [kh, sh] = window(in.h);
  const auto [kw, sw] = window(in.w);
  if (kh == 1 && sh == 1 && kw == 1 && sw == 1) return from;
  Layer l;
  l.name = name;
  l.kind = OpKind::AvgPool;
  l.inputs = {from};
  l.geometry.kernel_h = kh;
  l.geometry.stride_h = sh;
  l.geometry.kernel_w = kw;
  l.geometry.stride_w = sw;
  return push(std::move(l));
}

// Option A (He et al. 2016, sec. 4.2): the identity shortcut subsamples with stride 2 and
// pads the new channels with zeros; it has no parameters. It is written here as what it
// computes: a 1x1 convolution, stride 2, whose fixed 0/1 weights copy input channel c to
// output channel c + front (front = (out - in) / 2, zero channels on both sides as in the
// common PyTorch CIFAR ResNet, so imported weights line up). Every engine and accelerator
// then runs it with the conv datapath it already has and stays bit-exact: the weights are
// unsigned 1-bit integers of scale 1, the output keeps the input's quantization, so the
// requantization is an exact copy. `fixed_weights` keeps it out of parameter counts and
// training; its MACs (about 0.6% of ResNet-20's) are excluded by learned_macs(), because
// dedicated hardware would route rather than multiply.
int ZooBuilder::shortcut_option_a(const std::string& name, int from, int out, int stride) {
  const int in = channels(from);
  if (out < in)
    throw InputError(fmt::format("model '{}', layer '{}'", m_graph.name, name),
                     fmt::format("option-A shortcut cannot shrink {} to {} channels", in, out));
  Layer l;
  l.name = name;
  l.kind = OpKind::Conv;
  l.inputs = {from};
  l.out_channels = out;
  l.geometry.stride_h = l.geometry.stride_w = stride;
  l.has_bias = false;
  l.fixed_weights = true;
  l.weight_q = kernels::QuantParams::uniform(1, false, 1.0f);
  l.weights = kernels::IntTensor({out, in, 1, 1}, 0);
  const int front = (out - in) / 2;
  for (int c = 0; c < in; ++c) l.weights[int64_t{c + front} * in + c] = 1;
  return push(std::move(l));
}

}  // namespace qasim::workloads::zoo
