// Graph IR: a quantized network as a topologically ordered list of layers.
// Every layer carries its integer weights and the quantization of its output, so the
// golden reference and every accelerator compiler read the same description.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/numerics.h"
#include "kernels/ops.h"
#include "kernels/quant.h"
#include "kernels/tensor.h"

namespace qasim::workloads {

enum class OpKind {
  Input,
  Conv,            // incl. grouped and depthwise (groups == in channels)
  FullyConnected,  // flattens its input
  MaxPool,
  AvgPool,
  GlobalAvgPool,
  Add,     // residual add of two inputs, with rescaling
  Concat,  // along channels
  Flatten,
};

std::string to_string(OpKind k);

// Per-sample activation shape (the batch dimension is not part of the graph).
struct Shape3 {
  int c = 0, h = 0, w = 0;
  int64_t elements() const { return int64_t{c} * h * w; }
  bool operator==(const Shape3&) const = default;
};
std::string to_string(const Shape3& s);

struct Layer {
  std::string name;
  OpKind kind = OpKind::Input;
  std::vector<int> inputs;  // indices of producer layers, all earlier in the list

  kernels::ConvGeometry geometry;  // Conv, MaxPool, AvgPool
  int out_channels = 0;            // Conv, FullyConnected
  bool count_include_pad = false;  // AvgPool

  kernels::Activation activation = kernels::Activation::None;  // fused after requantization
  float clip_lo = 0.f, clip_hi = 0.f;                          // Activation::Clip, real units

  kernels::QuantParams weight_q;  // Conv, FullyConnected
  kernels::IntTensor weights;     // decoded integers [OC, IC/g, KH, KW] or [OC, K]; may be
                                  // empty for a shape-only graph
  bool has_bias = true;           // the layer adds a bias (then `bias` holds OC values)
  std::vector<int32_t> bias;      // int32 at scale input_scale * weight_scale[oc]
  bool batchnorm_folded = false;  // the float model had a BatchNorm here (2*OC params)
  bool fixed_weights = false;     // structural weights, not learned (e.g. the 0/1 selection of
                                  // an option-A ResNet shortcut): trainers must not update them

  kernels::QuantParams output_q;  // per-tensor quantization of this layer's output
  Shape3 output_shape;            // filled by Graph::infer_shapes()

  bool has_weights() const { return kind == OpKind::Conv || kind == OpKind::FullyConnected; }
};

struct Graph {
  std::string name;
  std::vector<Layer> layers;   // topological order; layers[0] is the single Input
  kernels::Numerics numerics;  // the arithmetic the model was made for
  int num_classes = 0;         // 0 when the output is not a classifier

  const Layer& input() const { return layers.front(); }
  const Layer& output() const { return layers.back(); }
  int find(const std::string& layer_name) const;  // -1 if absent

  // Fills every output_shape from the input's and checks the structure; throws
  // InputError (where = graph name and layer) on any inconsistency.
  void infer_shapes();
  // The shapes infer_shapes() would fill, without changing the graph.
  std::vector<Shape3> compute_shapes() const;
  // infer_shapes() plus weight/bias/quantization consistency when weights are present.
  void validate() const;
  bool has_weights() const;  // every weighted layer has its weights

  int64_t layer_macs(size_t i) const;    // multiply-accumulates per sample
  int64_t weight_count(size_t i) const;  // number of weights of layer i
  int64_t layer_params(size_t i) const;  // weights + BatchNorm (2*OC) or bias (OC)
  int64_t total_macs() const;
  int64_t total_params() const;
  int64_t weight_bits(size_t i) const;  // storage of the layer's weights in bits
};

}  // namespace qasim::workloads
