// Dense row-major tensor used for integer activations, weights and float data.
#pragma once

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace qasim::kernels {

using Dims = std::vector<int64_t>;

inline int64_t element_count(const Dims& dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t{1},
                         [](int64_t a, int64_t b) { return a * b; });
}

std::string dims_to_string(const Dims& dims);

template <typename T>
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Dims dims, T fill = T{})
      : m_dims(std::move(dims)), m_data(static_cast<size_t>(element_count(m_dims)), fill) {}
  Tensor(Dims dims, std::vector<T> values) : m_dims(std::move(dims)), m_data(std::move(values)) {
    if (static_cast<int64_t>(m_data.size()) != element_count(m_dims))
      throw std::invalid_argument("Tensor: " + std::to_string(m_data.size()) +
                                  " values do not fill dims " + dims_to_string(m_dims));
  }

  const Dims& dims() const { return m_dims; }
  int64_t dim(size_t i) const { return m_dims.at(i); }
  size_t rank() const { return m_dims.size(); }
  int64_t size() const { return static_cast<int64_t>(m_data.size()); }
  bool empty() const { return m_data.empty(); }

  T* data() { return m_data.data(); }
  const T* data() const { return m_data.data(); }
  T& operator[](int64_t i) { return m_data[static_cast<size_t>(i)]; }
  const T& operator[](int64_t i) const { return m_data[static_cast<size_t>(i)]; }
  std::vector<T>& values() { return m_data; }
  const std::vector<T>& values() const { return m_data; }

  // Same data, new dims with the same element count.
  Tensor reshaped(Dims dims) const { return Tensor(std::move(dims), m_data); }

  bool operator==(const Tensor& other) const = default;

 private:
  Dims m_dims;
  std::vector<T> m_data;
};

// Integer tensors hold quantized values of any width up to 16 bits (and int32 biases).
using IntTensor = Tensor<int32_t>;
using FloatTensor = Tensor<float>;

}  // namespace qasim::kernels
