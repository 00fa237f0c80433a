// A float network built from the graph IR for training: Conv (+ BatchNorm where the graph
// says `batchnorm_folded`), FullyConnected, activations, max/average/global pooling,
// residual Add, Concat and Flatten, each output through its fake quantizer (quant_config.h),
// so the float forward pass computes what the exported integer graph will.
//
// Per layer, forward: y = Qa(act(BN(conv(x, Qw(w)) + b))); backward runs the same chain
// in reverse, with each quantizer's backward rule. A layer whose activation quantizer is
// 1-bit (BNN, XNOR-Net) skips its ReLU: the sign replaces it, as in the golden engine.
// Tensors are CNHW (kernels/train/conv.h); the logits come out class-major [classes, N].
#pragma once

#include <cstdint>
#include <iosfwd>
#include <random>
#include <string>
#include <vector>

#include "workloads/graph.h"
#include "workloads/train/backend.h"
#include "workloads/train/quant_config.h"

namespace qasim::workloads::train {

// A tensor the optimizer updates.
struct Param {
  std::string name;
  std::vector<float>* value = nullptr;
  std::vector<float>* grad = nullptr;
  float weight_decay = 0.f;  // L2 coefficient (the optimizer's for conv/fc weights, else 0)
  float clip = 0.f;          // > 0: latent weights clipped to [-clip, clip] after each step
};

struct LayerState {
  // Learned (conv/fc): weights [OC, IC/g, KH, KW] or [OC, K]; bias when the layer has one
  // and no BatchNorm; BatchNorm affine and running statistics.
  std::vector<float> w, dw, bias, dbias, gamma, dgamma, beta, dbeta, running_mean, running_var;
  LayerQuantizers quant;
  // Forward cache (resized per batch).
  std::vector<float> wq;              // the weights the forward pass used, Qw(w)
  std::vector<float> x_hat, inv_std;  // BatchNorm
  std::vector<float> pre;             // input of the activation function
  std::vector<float> act;             // input of the activation quantizer
  std::vector<float> out;             // the layer's output
  std::vector<float> features;        // FC input flattened to [K, N]
  std::vector<int32_t> argmax;        // max pool
  std::vector<float> grad;            // dL/d(out)
};

class TrainModel {
 public:
  // `graph` gives the structure (its weights are ignored, except fixed 0/1 shortcut
  // weights). Weights are drawn He-normal (fan in) from `seed`, FC layers PyTorch-uniform,
  // BatchNorm gamma 1 and beta 0.
  TrainModel(const Graph& graph, const QuantConfig& config, uint64_t seed, Backend& backend);

  // input: [C, N, H, W] real values; returns the logits [classes, N].
  const std::vector<float>& forward(const std::vector<float>& input, int64_t batch, bool training,
                                    std::mt19937& rng);
  // Accumulates parameter gradients from dL/dlogits of the last forward(training = true).
  void backward(const std::vector<float>& dlogits);
  void zero_grad();
  std::vector<Param> params();

  const Graph& graph() const { return m_graph; }
  const LayerState& layer(size_t i) const { return m_layers.at(i); }
  LayerState& layer(size_t i) { return m_layers.at(i); }
  int64_t num_classes() const { return m_graph.output().output_shape.elements(); }
  // Layer i's output grid given its inputs' grids: its activation quantizer's integer
  // form, or its input's for layers that keep it (max pool, flatten, fixed shortcut).
  kernels::QuantParams output_grid(size_t i, const std::vector<kernels::QuantParams>& grids) const;

  // Every learned value, running statistic and quantizer state, for checkpoints.
  void save(std::ostream& out) const;
  void load(std::istream& in);  // throws InputError when the stream does not fit the model

 private:
  void forward_layer(size_t i, bool training, std::mt19937& rng);
  void backward_layer(size_t i);
  void add_grad(int producer, const float* g, int64_t n);
  void apply_folded(size_t i, const std::vector<float>& z, int64_t n);
  Backend::ConvDims conv_dims(size_t i) const;
  bool skips_activation(size_t i) const;

  Graph m_graph;
  Backend& m_backend;
  std::vector<LayerState> m_layers;
  int64_t m_batch = 0;
  std::vector<kernels::QuantParams> m_grids;  // each layer's output grid (fold.h)
  std::vector<float> m_tmp, m_tmp2;           // backward scratch
  std::mt19937* m_rng = nullptr;              // the generator of the last training forward
};

}  // namespace qasim::workloads::train
