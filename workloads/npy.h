// NumPy .npy files for integer tensors: how test vectors, golden outputs and weights are
// exchanged with Python. Reading accepts what numpy commonly writes for integer data;
// writing is atomic (temp file + rename) and picks the smallest dtype by default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kernels/tensor.h"

namespace qasim::workloads {

enum class NpyDtype { Int8, UInt8, Int16, UInt16, Int32, Float32 };

std::string to_string(NpyDtype t);  // the numpy descr: "|i1", "<u2", "<f4", ...
// The narrowest integer dtype holding every value in [min, max] (unsigned preferred when
// min >= 0); Int32 when nothing smaller fits.
NpyDtype smallest_dtype_for(int64_t min, int64_t max);

// Reads format versions 1.0, 2.0 and 3.0 in C order. Element types: little-endian int8,
// uint8, int16, uint16, int32, and also uint32/int64/uint64 and float32/float64 when every
// value is an integer that fits in int32. Anything malformed or unrepresentable throws
// InputError naming the file and byte offset.
kernels::IntTensor read_npy(const std::string& path);
// The same from bytes; `source` names them in messages.
kernels::IntTensor parse_npy(const uint8_t* bytes, size_t size, const std::string& source);

// Writes `t` as `dtype` (default: smallest_dtype_for its range). A value that does not fit
// the requested dtype (Float32: beyond +-2^24, where floats stop being exact) throws
// InputError; the file is written to a temporary beside `path` and renamed into place, so
// readers never see a partial file.
void write_npy(const std::string& path, const kernels::IntTensor& t,
               std::optional<NpyDtype> dtype = std::nullopt);

}  // namespace qasim::workloads
