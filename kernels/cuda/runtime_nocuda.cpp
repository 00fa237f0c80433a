// runtime.h and the GPU entry points for builds without CUDA (QASIM_HAVE_CUDA off): no
// device, and a clear error from anything that needs one.
#include <stdexcept>

#include "kernels/cuda/exact_conv.h"
#include "kernels/cuda/runtime.h"

namespace qasim::kernels::cuda {

bool built_with_cuda() {
  return false;
}
int device_count() {
  return 0;
}
std::string device_summary() {
  return "no CUDA device: this build has no CUDA (nvcc was not found or QASIM_CUDA=OFF)";
}
void check_cuda(int status, const char* what) {
  if (status != 0) throw std::runtime_error(std::string(what) + ": CUDA error in a non-CUDA build");
}

IntTensor run_exact_conv_cuda(const ExactConvPlan& /*plan*/, const IntTensor& /*x*/) {
  throw std::runtime_error("run_exact_conv_cuda: this build has no CUDA");
}
double time_exact_conv_cuda(const ExactConvPlan& /*plan*/, const IntTensor& /*x*/,
                            int /*repeats*/) {
  throw std::runtime_error("time_exact_conv_cuda: this build has no CUDA");
}

}  // namespace qasim::kernels::cuda
