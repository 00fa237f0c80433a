// An owned array in GPU memory (CUDA builds only: include from .cu or CUDA-only .cpp files).
// Errors become std::runtime_error through check_cuda.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "kernels/cuda/runtime.h"

namespace qasim::kernels::cuda {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t n) { resize(n); }
  explicit DeviceBuffer(const std::vector<T>& host) { upload(host); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { release(); }

  // Keeps the memory when it is large enough (contents are then undefined).
  void resize(size_t n) {
    if (n <= m_capacity) {
      m_size = n;
      return;
    }
    release();
    if (n > 0)
      check_cuda(cudaMalloc(reinterpret_cast<void**>(&m_data), n * sizeof(T)), "cudaMalloc");
    m_size = m_capacity = n;
  }
  void upload(const T* host, size_t n) {
    resize(n);
    if (n > 0)
      check_cuda(cudaMemcpy(m_data, host, n * sizeof(T), cudaMemcpyHostToDevice),
                 "cudaMemcpy to the device");
  }
  void upload(const std::vector<T>& host) { upload(host.data(), host.size()); }
  void download(T* host, size_t n) const {
    if (n > 0)
      check_cuda(cudaMemcpy(host, m_data, n * sizeof(T), cudaMemcpyDeviceToHost),
                 "cudaMemcpy from the device");
  }
  void download(std::vector<T>& host) const {
    host.resize(m_size);
    download(host.data(), m_size);
  }

  T* data() { return m_data; }
  const T* data() const { return m_data; }
  size_t size() const { return m_size; }

 private:
  void release() {
    if (m_data) cudaFree(m_data);
    m_data = nullptr;
    m_size = m_capacity = 0;
  }
  T* m_data = nullptr;
  size_t m_size = 0, m_capacity = 0;
};

}  // namespace qasim::kernels::cuda
