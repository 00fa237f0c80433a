// Whether this build and this machine can run the CUDA code. Both builds define these
// functions (runtime_cudart.cpp with CUDA, runtime_nocuda.cpp without), so callers ask at run
// time and never need an #ifdef.
#pragma once

#include <string>

namespace qasim::kernels::cuda {

// True when the build compiled the CUDA kernels (CMake found nvcc; QASIM_CUDA not OFF).
bool built_with_cuda();
// Number of usable CUDA devices: 0 without CUDA in the build, without a driver or a device
// (cudaGetDeviceCount's error is then reported by device_summary, never thrown).
int device_count();
// One line for logs: "NVIDIA H100 (sm_90, 79 GiB)", or "no CUDA device: <why>".
std::string device_summary();

// Throws std::runtime_error with `what` and the CUDA error text when `status` is an error
// (used by the CUDA sources; status is a cudaError_t passed as int).
void check_cuda(int status, const char* what);

}  // namespace qasim::kernels::cuda
