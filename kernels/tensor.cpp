#include "kernels/tensor.h"

namespace qasim::kernels {

std::string dims_to_string(const Dims& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += "x";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace qasim::kernels
