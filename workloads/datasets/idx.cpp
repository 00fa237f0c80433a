// IDX format (LeCun's MNIST page): two zero bytes, an element-type byte, a dimension-count
// byte, one big-endian uint32 per dimension, then the elements in row-major order.
// Self-contained (zlib, fmt and headers only): the fuzz target compiles this file itself.
#include "workloads/datasets/idx.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "workloads/errors.h"

namespace qasim::workloads::idx {

namespace {

constexpr uint8_t kUnsignedByte = 0x08;
constexpr int kMaxDims = 4;  // MNIST-family files use 1 (labels) or 3 (images)

std::string at(const std::string& source, const char* unit, uint64_t offset) {
  return fmt::format("{}, {} {}", source, unit, offset);
}

const char* type_name(uint8_t t) {
  switch (t) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "int16";
    case 0x0C:
      return "int32";
    case 0x0D:
      return "float32";
    case 0x0E:
      return "float64";
    default:
      return "unknown";
  }
}

struct Header {
  std::vector<int64_t> dims;
  size_t header_bytes = 0;
  size_t data_bytes = 0;
};

// The header at the start of `b`; nullopt while fewer bytes than it needs are present
// (a streaming caller then reads on; `complete` callers get a truncation error instead).
std::optional<Header> parse_header(const uint8_t* b, size_t size, const std::string& source,
                                   const char* unit, bool complete) {
  auto need = [&](size_t n, const char* what) {
    if (size >= n) return true;
    if (!complete) return false;
    throw InputError(at(source, unit, size),
                     fmt::format("file ends inside the IDX header ({} needs {} bytes, file has "
                                 "{})",
                                 what, n, size));
  };
  if (!need(4, "the magic number")) return std::nullopt;
  if (b[0] != 0 || b[1] != 0)
    throw InputError(
        at(source, unit, 0),
        fmt::format("not an IDX file: magic starts {:#04x} {:#04x}, expected 0x00 0x00", b[0],
                    b[1]));
  if (b[2] != kUnsignedByte)
    throw InputError(
        at(source, unit, 2),
        fmt::format("IDX element type {:#04x} ({}) is not supported: images and labels "
                    "must be unsigned bytes (0x08)",
                    b[2], type_name(b[2])));
  const int ndims = b[3];
  if (ndims < 1 || ndims > kMaxDims)
    throw InputError(at(source, unit, 3),
                     fmt::format("{} dimensions; expected 1 to {}", ndims, kMaxDims));
  Header h;
  h.header_bytes = 4 + 4 * static_cast<size_t>(ndims);
  if (!need(h.header_bytes, "the dimension list")) return std::nullopt;
  uint64_t total = 1;
  for (int d = 0; d < ndims; ++d) {
    const uint8_t* p = b + 4 + 4 * d;
    const uint64_t v =
        (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
    if (v == 0)
      throw InputError(at(source, unit, 4 + 4 * static_cast<uint64_t>(d)),
                       fmt::format("dimension {} is 0", d));
    total *= v;  // each factor < 2^32 and the running product stays <= kMaxBytes < 2^31
    if (total > static_cast<uint64_t>(kMaxBytes))
      throw InputError(at(source, unit, 4 + 4 * static_cast<uint64_t>(d)),
                       fmt::format("dimensions declare more than {} bytes of data; refusing an "
                                   "absurd size",
                                   kMaxBytes));
    h.dims.push_back(static_cast<int64_t>(v));
  }
  h.data_bytes = static_cast<size_t>(total);
  return h;
}

Array parse_plain(const uint8_t* b, size_t size, const std::string& source, const char* unit) {
  const Header h = *parse_header(b, size, source, unit, true);
  const size_t want = h.header_bytes + h.data_bytes;
  if (size < want)
    throw InputError(at(source, unit, size),
                     fmt::format("truncated: the header declares {} data bytes from byte {}, "
                                 "the file ends after {}",
                                 h.data_bytes, h.header_bytes, size - h.header_bytes));
  if (size > want)
    throw InputError(at(source, unit, want),
                     fmt::format("{} bytes after the {} data bytes the header declares",
                                 size - want, h.data_bytes));
  Array a;
  a.dims = h.dims;
  a.data.assign(b + h.header_bytes, b + want);
  return a;
}

// Inflates gzip members until the input ends, never holding more than the IDX header
// declares (a gzip bomb or a lying header stops at the first byte too many).
Array parse_gzip(const uint8_t* b, size_t size, const std::string& source) {
  if (size > static_cast<size_t>(kMaxBytes))
    throw InputError(source, fmt::format("{} compressed bytes is more than the limit", size));
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
    throw std::runtime_error(source + ": zlib initialisation failed");
  struct Guard {
    z_stream* zs;
    ~Guard() { inflateEnd(zs); }
  } guard{&zs};
  zs.next_in = const_cast<Bytef*>(b);
  zs.avail_in = static_cast<uInt>(size);
  const std::string inner = source + " (decompressed)";
  std::vector<uint8_t> out;
  std::optional<Header> h;
  uint8_t chunk[1 << 16];
  for (;;) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const uint64_t consumed = size - zs.avail_in;
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR)
      throw InputError(at(source, "compressed byte", consumed),
                       fmt::format("corrupt gzip data: {}", zs.msg ? zs.msg : zError(rc)));
    const size_t got = sizeof chunk - zs.avail_out;
    if (h && out.size() + got > h->header_bytes + h->data_bytes)
      throw InputError(
          at(inner, "byte", h->header_bytes + h->data_bytes),
          fmt::format("data continues past the {} bytes the header declares", h->data_bytes));
    out.insert(out.end(), chunk, chunk + got);
    if (!h) {
      h = parse_header(out.data(), out.size(), inner, "byte", false);
      if (h && out.size() > h->header_bytes + h->data_bytes)
        throw InputError(
            at(inner, "byte", h->header_bytes + h->data_bytes),
            fmt::format("data continues past the {} bytes the header declares", h->data_bytes));
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Another gzip member follows (concatenated .gz files decompress to their
      // concatenation); anything else is garbage.
      if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b)
        throw InputError(at(source, "byte", consumed),
                         fmt::format("{} unexpected bytes after the gzip stream", zs.avail_in));
      if (inflateReset(&zs) != Z_OK) throw std::runtime_error(source + ": zlib reset failed");
      continue;
    }
    if (got == 0 && (zs.avail_in == 0 || rc == Z_BUF_ERROR))
      throw InputError(at(source, "byte", size), "gzip stream truncated (file ends early)");
  }
  return parse_plain(out.data(), out.size(), inner, "byte");
}

}  // namespace

std::vector<uint8_t> read_file(const std::string& path, int64_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw InputError(path, fmt::format("cannot open: {}", std::strerror(errno)));
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError(path, "cannot determine the file size (not a regular file?)");
  if (size > max_bytes)
    throw InputError(path,
                     fmt::format("file is {} bytes, more than the {} byte limit", size, max_bytes));
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw InputError(path, fmt::format("read failed after {} of {} bytes", in.gcount(), size));
  return bytes;
}

Array parse(const uint8_t* bytes, size_t size, const std::string& source) {
  if (size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return parse_gzip(bytes, size, source);
  return parse_plain(bytes, size, source, "byte");
}

Array load(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  return parse(bytes.data(), bytes.size(), path);
}

}  // namespace qasim::workloads::idx
