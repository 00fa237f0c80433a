// The weight "quantizers" Deep Compression puts on a layer while it is being compressed,
// behind the FakeQuantizer interface so that TrainModel, the optimizer and the export use
// them like any QAT method.
//
// PrunedWeightQuantizer: pruning phase. y = Q16(x * mask), with Q16 the symmetric 16-bit
// per-channel integer grid (so the float model stays an integer model, at practically float
// precision), and dL/dx = mask * dL/dy, so pruned weights get no gradient and stay zero.
//
// SharedWeightQuantizer: weight-sharing phase (Han et al. 2016). The layer's weights are
// the centroids of a k-means clustering with a fixed assignment; forward() decodes them
// (ignoring its input: the latent weights are frozen), backward() accumulates each
// centroid's gradient as the sum of its members' gradients (the paper's rule) into the
// learned parameter "centroids", which the optimizer updates. The centroids used are the
// latent ones snapped to the integer codebook grid (value_bits signed bits, power-of-two
// scale): the float model computes with exactly the codebook the integer model gets
// (to_integer(): Codebook scheme, index 0 = zero when weights are pruned).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/qat/compression.h"
#include "kernels/qat/fake_quantizer.h"

namespace qasim::workloads::train {

class PrunedWeightQuantizer : public kernels::qat::FakeQuantizer {
 public:
  explicit PrunedWeightQuantizer(std::vector<uint8_t> mask);
  std::string name() const override { return "pruned"; }
  int bits() const override { return 16; }
  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override;
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override;
  kernels::Quantized to_integer(std::span<const float> x, int64_t channels) const override;

  const std::vector<uint8_t>& mask() const { return m_mask; }

 private:
  std::vector<float> masked(std::span<const float> x) const;

  std::vector<uint8_t> m_mask;
  std::unique_ptr<kernels::qat::FakeQuantizer> m_grid;  // int, 16 bits, per channel
};

class SharedWeightQuantizer : public kernels::qat::FakeQuantizer {
 public:
  // dims: the weight tensor's shape; value_bits: signed width of the codebook entries.
  SharedWeightQuantizer(kernels::qat::SharedWeights shared, int index_bits, int value_bits,
                        kernels::Dims dims);
  std::string name() const override { return "shared"; }
  int bits() const override { return m_index_bits; }
  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool training,
               std::mt19937& rng) override;
  // dx = 0 (the latent weights are not trained); centroid gradients += member sums of dy.
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override;
  std::vector<kernels::qat::LearnedParam> learned_params() override;
  kernels::Quantized to_integer(std::span<const float> x, int64_t channels) const override;

  // The shared weights with the centroids snapped to the codebook grid (what is used).
  kernels::qat::SharedWeights snapped() const;
  const std::vector<float>& centroid_gradients() const { return m_grad; }

 private:
  kernels::qat::SharedWeights m_shared;  // latent centroids, fixed assignment
  std::vector<float> m_grad;             // d loss / d centroid
  int m_index_bits, m_value_bits;
  kernels::Dims m_dims;
};

}  // namespace qasim::workloads::train
