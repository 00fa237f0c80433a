#include "workloads/train/compress_quantizers.h"

#include <fmt/format.h>

#include <stdexcept>

namespace qasim::workloads::train {

namespace qat = kernels::qat;

PrunedWeightQuantizer::PrunedWeightQuantizer(std::vector<uint8_t> mask)
    : m_mask(std::move(mask)),
      m_grid(qat::make_quantizer(
          {.method = "int", .role = qat::Role::Weight, .bits = 16, .per_channel = true})) {}

std::vector<float> PrunedWeightQuantizer::masked(std::span<const float> x) const {
  std::vector<float> v(x.begin(), x.end());
  qat::apply_mask(v, m_mask);
  return v;
}

void PrunedWeightQuantizer::forward(std::span<const float> x, std::span<float> y, int64_t channels,
                                    bool training, std::mt19937& rng) {
  m_grid->forward(masked(x), y, channels, training, rng);
}

void PrunedWeightQuantizer::backward(std::span<const float> x, std::span<const float> dy,
                                     std::span<float> dx, int64_t channels) {
  m_grid->backward(masked(x), dy, dx, channels);
  qat::apply_mask(dx, m_mask);
}

kernels::Quantized PrunedWeightQuantizer::to_integer(std::span<const float> x,
                                                     int64_t channels) const {
  return m_grid->to_integer(masked(x), channels);
}

SharedWeightQuantizer::SharedWeightQuantizer(qat::SharedWeights shared, int index_bits,
                                             int value_bits, kernels::Dims dims)
    : m_shared(std::move(shared)),
      m_grad(m_shared.centroids.size(), 0.f),
      m_index_bits(index_bits),
      m_value_bits(value_bits),
      m_dims(std::move(dims)) {
  if (kernels::element_count(m_dims) != static_cast<int64_t>(m_shared.assignment.size()))
    throw std::invalid_argument(fmt::format("SharedWeightQuantizer: {} assignments for dims {}",
                                            m_shared.assignment.size(),
                                            kernels::dims_to_string(m_dims)));
}

qat::SharedWeights SharedWeightQuantizer::snapped() const {
  qat::SharedWeights s = m_shared;
  qat::snap_centroids(s, m_value_bits);
  return s;
}

void SharedWeightQuantizer::forward(std::span<const float> /*x*/, std::span<float> y,
                                    int64_t /*channels*/, bool /*training*/,
                                    std::mt19937& /*rng*/) {
  qat::decode_shared(snapped(), y);
}

void SharedWeightQuantizer::backward(std::span<const float> /*x*/, std::span<const float> dy,
                                     std::span<float> dx, int64_t /*channels*/) {
  // Straight through the snap: the latent centroid takes its snapped image's gradient.
  const std::vector<float> g = qat::centroid_gradients(m_shared, dy);
  for (size_t k = 0; k < g.size(); ++k) m_grad[k] += g[k];
  std::fill(dx.begin(), dx.end(), 0.f);
}

std::vector<qat::LearnedParam> SharedWeightQuantizer::learned_params() {
  return {{"centroids", &m_shared.centroids, &m_grad, 0.f}};
}

kernels::Quantized SharedWeightQuantizer::to_integer(std::span<const float> /*x*/,
                                                     int64_t /*channels*/) const {
  return qat::to_codebook(snapped(), m_value_bits, m_dims);
}

}  // namespace qasim::workloads::train
