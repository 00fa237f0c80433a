#include "dse/sweep/config_hash.h"

#include <fmt/format.h>

#include <cstdint>

namespace qasim::dse {

std::string config_hash(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;  // FNV prime
  }
  return fmt::format("{:016x}", h);
}

}  // namespace qasim::dse
