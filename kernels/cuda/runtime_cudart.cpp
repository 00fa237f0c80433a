// runtime.h for CUDA builds: asks the CUDA runtime.
#include <cuda_runtime.h>
#include <fmt/format.h>

#include <stdexcept>

#include "kernels/cuda/runtime.h"

namespace qasim::kernels::cuda {

bool built_with_cuda() {
  return true;
}

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error of a missing driver or device
    return 0;
  }
  return count;
}

std::string device_summary() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return fmt::format("no CUDA device: {}", cudaGetErrorString(status));
  }
  if (count == 0) return "no CUDA device: the runtime found none";
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "device 0 (properties unavailable)";
  return fmt::format("{} (sm_{}{}, {} GiB){}", prop.name, prop.major, prop.minor,
                     prop.totalGlobalMem >> 30, count > 1 ? fmt::format(", 1 of {}", count) : "");
}

void check_cuda(int status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(
        fmt::format("{}: {}", what, cudaGetErrorString(static_cast<cudaError_t>(status))));
}

}  // namespace qasim::kernels::cuda
