// make_cuda_backend for builds without CUDA (QASIM_HAVE_CUDA off).
#include "workloads/errors.h"
#include "workloads/train/backend.h"

namespace qasim::workloads::train {

std::unique_ptr<Backend> make_cuda_backend() {
  throw InputError("--device cuda",
                   "this build has no CUDA backend (nvcc was not found at configure time, or "
                   "QASIM_CUDA=OFF); use --device cpu or auto");
}

}  // namespace qasim::workloads::train
