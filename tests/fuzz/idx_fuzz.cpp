// libFuzzer target for the IDX reader (plain and gzip): any byte string must either parse
// or raise InputError, never crash, hang, or allocate beyond what the header's checks allow.
//
// The parser is compiled into this target (not taken from libqasim_workloads, which is
// built without coverage instrumentation) so libFuzzer sees its branches. Nothing else in
// the target needs idx.cpp's object from the library, so the linker never pulls it twice.
#include <cstddef>
#include <cstdint>

#include "workloads/datasets/idx.cpp"  // NOLINT(bugprone-suspicious-include)
#include "workloads/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace qasim::workloads;
  try {
    const idx::Array a = idx::parse(data, size, "fuzz");
    // A parsed array is self-consistent: its data is exactly the product of its dims.
    size_t n = 1;
    for (int64_t d : a.dims) n *= static_cast<size_t>(d);
    if (n != a.data.size()) __builtin_trap();
  } catch (const InputError&) {
  }
  return 0;
}
