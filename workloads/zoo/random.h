// Portable random numbers for the zoo's weights and the synthetic dataset.
// std::mt19937_64's output sequence is fixed by the standard, but the std::*_distribution
// classes are implementation-defined, so the distributions here are written out: the
// same seed gives the same graph with any standard library.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace qasim::workloads {

// SplitMix64 finalizer: spreads a seed so nearby seeds give unrelated streams.
inline uint64_t mix_seed(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A stream per (seed, name): one layer's weights do not depend on the other layers, so
// changing a layer's precision or adding one does not reshuffle the rest.
inline uint64_t seed_for(uint64_t seed, std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ull;
  return mix_seed(seed ^ mix_seed(h));
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : m_engine(seed) {}

  uint64_t next() { return m_engine(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) without modulo bias (n > 0).
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = m_engine();
    while (x >= limit);
    return x % n;
  }
  // Bell-shaped, mean 0, variance 1, bounded to [-3, 3]: the sum of three uniforms
  // (Irwin-Hall), each taken from 21 bits of one draw. Cheap (one draw per value, which
  // matters for VGG's 138 M weights) and free of libm, so bit-identical everywhere.
  double bell() {
    const uint64_t x = m_engine();
    constexpr double k = 0x1.0p-21;
    const double s = static_cast<double>(x & 0x1FFFFF) * k +
                     static_cast<double>((x >> 21) & 0x1FFFFF) * k +
                     static_cast<double>((x >> 42) & 0x1FFFFF) * k;
    return 2.0 * (s - 1.5);
  }

 private:
  std::mt19937_64 m_engine;
};

}  // namespace qasim::workloads
