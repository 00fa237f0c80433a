// libFuzzer target for the ONNX importer: any byte string either imports or is refused
// with InputError. Every other exception, crash, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "workloads/errors.h"
#include "workloads/onnx/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    qasim::workloads::import_onnx_bytes(data, size, "fuzz.onnx");
  } catch (const qasim::workloads::InputError&) {
  }
  return 0;
}
