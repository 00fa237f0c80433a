// What this build of the numerics can use, for `qasim info` and the benchmark records.
#pragma once

#include <string>

namespace qasim::kernels {

bool have_onednn();     // int8 accumulators through oneDNN (Debian's libdnnl)
int max_threads();      // OpenMP threads the kernels use
std::string cpu_features();  // the SIMD features detected at run time, e.g. "avx2 avx512vnni"
void set_threads(int n);     // 0 keeps the default (all cores)

}  // namespace qasim::kernels
