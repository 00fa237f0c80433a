// Little helpers for the trainer's checkpoint files: length-prefixed vectors and scalars
// in the machine's byte order (a checkpoint resumes on the machine that wrote it). Reads
// check the stream and the length against a limit, throwing InputError naming `where`.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "workloads/errors.h"

namespace qasim::workloads::train::io {

template <typename T>
void put(std::ostream& out, const T& v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
T get(std::istream& in, const std::string& where) {
  T v{};
  if (!in.read(reinterpret_cast<char*>(&v), sizeof(T)))
    throw InputError(where, "checkpoint is truncated");
  return v;
}

template <typename T>
void put_vec(std::ostream& out, const std::vector<T>& v) {
  put<uint64_t>(out, v.size());
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(T)));
}

// `expected` >= 0 requires exactly that many elements.
template <typename T>
std::vector<T> get_vec(std::istream& in, const std::string& where, int64_t expected = -1) {
  const auto n = get<uint64_t>(in, where);
  if ((expected >= 0 && n != static_cast<uint64_t>(expected)) || n > (uint64_t{1} << 32))
    throw InputError(where, "checkpoint holds " + std::to_string(n) +
                                " values where the model has " + std::to_string(expected));
  std::vector<T> v(n);
  if (!in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T))))
    throw InputError(where, "checkpoint is truncated");
  return v;
}

inline void put_string(std::ostream& out, const std::string& s) {
  put_vec(out, std::vector<char>(s.begin(), s.end()));
}

inline std::string get_string(std::istream& in, const std::string& where) {
  const std::vector<char> v = get_vec<char>(in, where);
  return {v.begin(), v.end()};
}

}  // namespace qasim::workloads::train::io
