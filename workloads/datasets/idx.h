// Byte-level readers behind the dataset loaders: whole files, gzip, and the IDX format
// (MNIST family). Separate from dataset.h so the fuzz target can drive them on bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qasim::workloads::idx {

// No dataset file qasim reads is near this size; anything claiming more is corrupt or
// hostile, and is rejected before allocating.
inline constexpr int64_t kMaxBytes = int64_t{1} << 30;

// The whole file; InputError if it cannot be opened or read, or is larger than max_bytes.
std::vector<uint8_t> read_file(const std::string& path, int64_t max_bytes = kMaxBytes);

struct Array {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // row-major, product(dims) bytes
};

// An IDX array of unsigned bytes from an IDX file's bytes, gzip-compressed or plain.
// `source` names the bytes in messages (the file path). Errors give the byte offset in
// the file, or in the decompressed stream for gzip input.
Array parse(const uint8_t* bytes, size_t size, const std::string& source);

// read_file + parse.
Array load(const std::string& path);

}  // namespace qasim::workloads::idx
