#include "kernels/build_info.h"

#include <omp.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace qasim::kernels {

bool have_onednn() {
#ifdef QASIM_HAVE_DNNL
  return true;
#else
  return false;
#endif
}

int max_threads() {
  return omp_get_max_threads();
}

void set_threads(int n) {
  if (n > 0) omp_set_num_threads(n);
}

std::string cpu_features() {
  std::string s;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  auto add = [&s](bool has, const char* name) {
    if (!has) return;
    if (!s.empty()) s += ' ';
    s += name;
  };
  add(__builtin_cpu_supports("avx2"), "avx2");
  add(__builtin_cpu_supports("avx512f"), "avx512f");
  add(__builtin_cpu_supports("avx512bw"), "avx512bw");
  add(__builtin_cpu_supports("avx512vnni"), "avx512vnni");
  add(__builtin_cpu_supports("avx512vpopcntdq"), "avx512vpopcntdq");
  add(__builtin_cpu_supports("popcnt"), "popcnt");
#endif
  return s.empty() ? "baseline" : s;
}

bool cpu_has_avx_vnni() {
#if defined(__x86_64__)
  // CPUID leaf 7, subleaf 1, EAX bit 4.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 4)) != 0;
#else
  return false;
#endif
}

}  // namespace qasim::kernels
