// The .npy format (numpy/lib/format.py, NEP 1): "\x93NUMPY", major and minor version,
// header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), an ASCII Python dict literal
// {'descr': ..., 'fortran_order': ..., 'shape': (...)} padded with spaces to a multiple
// of 64 bytes and ended by '\n', then the raw elements.
#include "workloads/npy.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include "workloads/datasets/idx.h"
#include "workloads/errors.h"

namespace qasim::workloads {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kMaxHeader = 1 << 20;
constexpr int64_t kMaxElements = int64_t{1} << 28;  // 1 GiB of int32

enum class Kind { Signed, Unsigned, Float };
struct Elem {
  Kind kind;
  int size;  // bytes
};

// Parses the header dict. `base` is the file offset of the dict's first byte, so errors
// point at the offending character.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, size_t base, const std::string& source)
      : m_text(text), m_base(base), m_source(source) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(fmt::format("{}, byte {}", m_source, m_base + m_pos),
                     "bad .npy header: " + problem);
  }
  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) ++m_pos;
  }
  bool accept(char c) {
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == c) return ++m_pos, true;
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(fmt::format("expected '{}'", c));
  }
  std::string string() {
    skip_space();
    if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"'))
      fail("expected a quoted string");
    const char quote = m_text[m_pos++];
    const size_t end = m_text.find(quote, m_pos);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = m_text.substr(m_pos, end - m_pos);
    m_pos = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
      if (m_text.compare(m_pos, std::strlen(word), word) == 0) {
        m_pos += std::strlen(word);
        return value;
      }
    fail("expected True or False");
  }
  kernels::Dims shape() {
    expect('(');
    kernels::Dims dims;
    while (!accept(')')) {
      skip_space();
      int64_t v = 0;
      size_t digits = 0;
      while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
        if (v > kMaxElements) fail("dimension too large");
        v = v * 10 + (m_text[m_pos++] - '0');
        ++digits;
      }
      if (digits == 0) fail("expected a non-negative dimension");
      if (v > kMaxElements) fail("dimension too large");
      dims.push_back(v);
      if (dims.size() > 32) fail("more than 32 dimensions");
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }
  void end() {
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == '\n') ++m_pos;
    skip_space();
    if (m_pos != m_text.size()) fail("unexpected characters after the dictionary");
  }

 private:
  const std::string& m_text;
  size_t m_base;
  const std::string& m_source;
  size_t m_pos = 0;
};

Elem parse_descr(const std::string& d, HeaderParser& p) {
  if (d.size() < 3) p.fail("unsupported dtype '" + d + "'");
  const char order = d[0], kind = d[1];
  const std::string size = d.substr(2);
  if (size != "1" && size != "2" && size != "4" && size != "8")
    p.fail("unsupported dtype '" + d + "'");
  const int bytes = size[0] - '0';
  if (order == '>' && bytes > 1) p.fail("big-endian dtype '" + d + "' is not supported");
  if (order != '<' && order != '|' && order != '=' && order != '>')
    p.fail("unsupported dtype '" + d + "'");
  if (kind == 'i') return {Kind::Signed, bytes};
  if (kind == 'u') return {Kind::Unsigned, bytes};
  if (kind == 'f' && (bytes == 4 || bytes == 8)) return {Kind::Float, bytes};
  p.fail("unsupported dtype '" + d + "' (integer or float data only)");
}

uint64_t load_le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::string to_string(NpyDtype t) {
  switch (t) {
    case NpyDtype::Int8:
      return "|i1";
    case NpyDtype::UInt8:
      return "|u1";
    case NpyDtype::Int16:
      return "<i2";
    case NpyDtype::UInt16:
      return "<u2";
    case NpyDtype::Int32:
      return "<i4";
    case NpyDtype::Float32:
      return "<f4";
  }
  return "?";
}

NpyDtype smallest_dtype_for(int64_t min, int64_t max) {
  if (min >= 0 && max <= 255) return NpyDtype::UInt8;
  if (min >= -128 && max <= 127) return NpyDtype::Int8;
  if (min >= 0 && max <= 65535) return NpyDtype::UInt16;
  if (min >= -32768 && max <= 32767) return NpyDtype::Int16;
  return NpyDtype::Int32;
}

kernels::IntTensor parse_npy(const uint8_t* b, size_t size, const std::string& source) {
  auto at = [&](uint64_t offset) { return fmt::format("{}, byte {}", source, offset); };
  if (size < kMagicLen + 2 || std::memcmp(b, kMagic, kMagicLen) != 0)
    throw InputError(at(0), "not a .npy file (no \\x93NUMPY magic)");
  const int major = b[6];
  if (major < 1 || major > 3)
    throw InputError(
        at(6), fmt::format(".npy format version {}.{} is not supported (1.0 to 3.0)", major, b[7]));
  const size_t len_bytes = major == 1 ? 2 : 4;
  const size_t header_start = 8 + len_bytes;
  if (size < header_start) throw InputError(at(size), "file ends inside the header length");
  const uint64_t header_len = load_le(b + 8, static_cast<int>(len_bytes));
  if (header_len > kMaxHeader)
    throw InputError(at(8), fmt::format("header length {} is absurd", header_len));
  if (size - header_start < header_len)
    throw InputError(at(size), fmt::format("file ends inside the {}-byte header", header_len));
  const std::string text(reinterpret_cast<const char*>(b + header_start), header_len);
  for (size_t i = 0; i < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) >= 0x80 || text[i] == '\0')
      throw InputError(at(header_start + i), "non-ASCII byte in the header");

  HeaderParser p(text, header_start, source);
  std::optional<Elem> elem;
  std::optional<bool> fortran;
  std::optional<kernels::Dims> dims;
  p.expect('{');
  while (!p.accept('}')) {
    const std::string key = p.string();
    p.expect(':');
    if (key == "descr" && !elem)
      elem = parse_descr(p.string(), p);
    else if (key == "fortran_order" && !fortran)
      fortran = p.boolean();
    else if (key == "shape" && !dims)
      dims = p.shape();
    else
      p.fail("unexpected or repeated key '" + key + "'");
    if (!p.accept(',')) {
      p.expect('}');
      break;
    }
  }
  p.end();
  if (!elem || !fortran || !dims) p.fail("descr, fortran_order and shape are all required");
  if (*fortran) p.fail("Fortran-order arrays are not supported; save with C order");

  int64_t count = 1;
  for (int64_t d : *dims) {
    if (d != 0 && count > kMaxElements / d)
      throw InputError(at(header_start), fmt::format("shape {} has too many elements",
                                                     kernels::dims_to_string(*dims)));
    count *= d;
  }
  const size_t data_start = header_start + header_len;
  const auto data_bytes = static_cast<uint64_t>(count) * elem->size;
  if (size - data_start < data_bytes)
    throw InputError(at(size), fmt::format("truncated: shape {} needs {} data bytes from byte {}, "
                                           "the file has {}",
                                           kernels::dims_to_string(*dims), data_bytes, data_start,
                                           size - data_start));
  if (size - data_start > data_bytes)
    throw InputError(at(data_start + data_bytes),
                     fmt::format("{} bytes after the data", size - data_start - data_bytes));

  std::vector<int32_t> values(static_cast<size_t>(count));
  constexpr int64_t lo = std::numeric_limits<int32_t>::min(),
                    hi = std::numeric_limits<int32_t>::max();
  for (int64_t i = 0; i < count; ++i) {
    const size_t off = data_start + static_cast<size_t>(i) * elem->size;
    const uint64_t raw = load_le(b + off, elem->size);
    auto bad = [&](const std::string& v, const char* why) {
      throw InputError(at(off), fmt::format("element {} is {}: {}", i, v, why));
    };
    if (elem->kind == Kind::Float) {
      double v;
      if (elem->size == 4) {
        float f;
        const auto r32 = static_cast<uint32_t>(raw);
        std::memcpy(&f, &r32, 4);
        v = f;
      } else {
        std::memcpy(&v, &raw, 8);
      }
      if (!std::isfinite(v) || v != std::floor(v)) bad(fmt::format("{}", v), "not an integer");
      if (v < lo || v > hi) bad(fmt::format("{}", v), "outside the int32 range");
      values[static_cast<size_t>(i)] = static_cast<int32_t>(v);
    } else if (elem->kind == Kind::Unsigned) {
      if (raw > static_cast<uint64_t>(hi)) bad(fmt::format("{}", raw), "outside the int32 range");
      values[static_cast<size_t>(i)] = static_cast<int32_t>(raw);
    } else {
      const int shift = 64 - 8 * elem->size;  // sign-extend
      const int64_t v = static_cast<int64_t>(raw << shift) >> shift;
      if (v < lo || v > hi) bad(fmt::format("{}", v), "outside the int32 range");
      values[static_cast<size_t>(i)] = static_cast<int32_t>(v);
    }
  }
  return kernels::IntTensor(*dims, std::move(values));
}

kernels::IntTensor read_npy(const std::string& path) {
  const std::vector<uint8_t> bytes = idx::read_file(path, kMaxElements * 8 + kMaxHeader + 64);
  return parse_npy(bytes.data(), bytes.size(), path);
}

void write_npy(const std::string& path, const kernels::IntTensor& t,
               std::optional<NpyDtype> dtype) {
  int64_t min = 0, max = 0;
  for (int64_t i = 0; i < t.size(); ++i) {
    min = i == 0 ? t[i] : std::min<int64_t>(min, t[i]);
    max = i == 0 ? t[i] : std::max<int64_t>(max, t[i]);
  }
  const NpyDtype type = dtype ? *dtype : smallest_dtype_for(min, max);
  int64_t type_lo = std::numeric_limits<int32_t>::min(),
          type_hi = std::numeric_limits<int32_t>::max();
  int size = 4;
  switch (type) {
    case NpyDtype::Int8:
      type_lo = -128, type_hi = 127, size = 1;
      break;
    case NpyDtype::UInt8:
      type_lo = 0, type_hi = 255, size = 1;
      break;
    case NpyDtype::Int16:
      type_lo = -32768, type_hi = 32767, size = 2;
      break;
    case NpyDtype::UInt16:
      type_lo = 0, type_hi = 65535, size = 2;
      break;
    case NpyDtype::Int32:
      break;
    case NpyDtype::Float32:
      type_lo = -(1 << 24), type_hi = 1 << 24;
      break;
  }
  if (t.size() > 0 && (min < type_lo || max > type_hi))
    throw InputError(
        path, fmt::format("values in [{}, {}] do not fit dtype {}", min, max, to_string(type)));

  std::string shape = "(";
  for (size_t i = 0; i < t.rank(); ++i) shape += fmt::format("{}, ", t.dim(i));
  if (t.rank() > 0) shape.resize(shape.size() - 2);
  if (t.rank() == 1) shape += ",";
  shape += ")";
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                   to_string(type), shape);
  const bool v1 = header.size() + 1 + 64 < 65535;
  const size_t prefix = v1 ? 10 : 12;
  // Pad with spaces so the data starts on a 64-byte boundary, as numpy does.
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';

  std::vector<uint8_t> bytes(kMagic, kMagic + kMagicLen);
  bytes.push_back(v1 ? 1 : 2);
  bytes.push_back(0);
  for (size_t i = 0; i < prefix - 8; ++i)
    bytes.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.reserve(bytes.size() + static_cast<size_t>(t.size()) * size);
  for (int64_t i = 0; i < t.size(); ++i) {
    uint32_t raw = static_cast<uint32_t>(t[i]);
    if (type == NpyDtype::Float32) {
      const auto f = static_cast<float>(t[i]);
      std::memcpy(&raw, &f, 4);
    }
    for (int k = 0; k < size; ++k) bytes.push_back(static_cast<uint8_t>(raw >> (8 * k)));
  }

  static std::atomic<uint64_t> counter{0};
  const std::string tmp = fmt::format("{}.tmp-{}-{}", path, ::getpid(), counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path, fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      throw InputError(path, fmt::format("writing {} failed: {}", tmp, std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw InputError(path, "cannot move the written file into place: " + ec.message());
  }
}

}  // namespace qasim::workloads
