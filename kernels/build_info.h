// What this build of the numerics can use, for `qasim info` and the benchmark records.
#pragma once

#include <string>

namespace qasim::kernels {

bool have_onednn();          // int8 accumulators through oneDNN (Debian's libdnnl)
int max_threads();           // OpenMP threads the kernels use
std::string cpu_features();  // the SIMD features detected at run time, e.g. "avx2 avx512vnni"
void set_threads(int n);
// AVX-VNNI (the VEX form), read from CPUID: clang 14's __builtin_cpu_supports lacks it.
bool cpu_has_avx_vnni();     // 0 keeps the default (all cores)

}  // namespace qasim::kernels
