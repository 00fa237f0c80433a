// Shared machinery of the QAT methods (not part of the trainer's interface): argument
// checks, the element loops (OpenMP across large tensors, no virtual call per element),
// deterministic reductions and the conversions to kernels:: tensors.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kernels/qat/fake_quantizer.h"
#include "kernels/quantizers.h"

namespace qasim::kernels::qat::detail {

// Below this many elements a loop stays on one thread (thread start-up costs more).
inline constexpr int64_t kParallelMin = int64_t{1} << 15;
// Reductions sum fixed chunks in parallel, then the chunk sums in order, so the result does
// not depend on the number of threads (DESIGN.md: bit-identical on CPU).
inline constexpr int64_t kReduceChunk = 4096;

// Throws std::invalid_argument "<method>: <problem>".
[[noreturn]] void fail(const std::string& method, const std::string& problem);

// Checks that the other tensor (y, dy or dx) has x's size and that `channels` rows divide
// it; returns the row length.
int64_t row_length(const std::string& method, std::span<const float> x, size_t other_size,
                   int64_t channels);

// Throws when an element is NaN or infinite (the integer forms have no image for them).
void check_finite(const std::string& method, std::span<const float> x);

// f(i) for i in [0, n), in parallel when n is large. f must only write element i.
// Each thread runs a private copy of f: when f captures its constants and spans by value
// ([=]), the compiler then knows the loop's stores cannot change them, keeps them in
// registers and vectorizes (through captures by reference it must reload them).
template <typename F>
void for_each_index(int64_t n, const F& f) {
#pragma omp parallel if (n >= kParallelMin)
  {
    const F body = f;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; ++i) body(i);
  }
}

// Sum of term(i) over [begin, end) in double, independent of the thread count: fixed
// chunks, each summed in 8 interleaved lanes (independent adds vectorize; one running sum
// would be a chain of dependent adds), then lanes and chunks added in order.
template <typename F>
double deterministic_sum(int64_t begin, int64_t end, const F& term) {
  constexpr int kLanes = 8;
  const int64_t n = std::max<int64_t>(0, end - begin);
  const int64_t chunks = (n + kReduceChunk - 1) / kReduceChunk;
  std::vector<double> partial(static_cast<size_t>(chunks), 0.0);
#pragma omp parallel if (n >= kParallelMin)
  {
    const F body = term;  // private copy, as in for_each_index
#pragma omp for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t stop = std::min(end, begin + (c + 1) * kReduceChunk);
      double lane[kLanes] = {};
      int64_t i = begin + c * kReduceChunk;
      for (; i + kLanes <= stop; i += kLanes)
        for (int l = 0; l < kLanes; ++l) lane[l] += body(i + l);
      double s = 0;
      for (; i < stop; ++i) s += body(i);
      for (double v : lane) s += v;
      partial[static_cast<size_t>(c)] = s;
    }
  }
  double total = 0;
  for (double s : partial) total += s;
  return total;
}

// max |x| over [begin, end) (0 when empty); max is order independent.
double max_abs(std::span<const float> x, int64_t begin, int64_t end);

// Round half to even of |v| <= 2^22 in the default rounding mode, i.e. std::nearbyint, as two
// float additions: adding 1.5 * 2^23 leaves no fraction bits, so the FPU rounds there. Unlike
// nearbyint (roundps needs SSE4.1, which the baseline x86-64 build does not assume) it
// vectorizes. Callers clamp v into their integer range first. +0 for small negatives.
inline float round_half_even(float v) {
  constexpr float kShift = 12582912.f;  // 1.5 * 2^23
  return (v + kShift) - kShift;
}

// dy where keep, else 0. dy is an argument, so it is loaded whatever keep is, and a loop of
// these vectorizes to a blend (a conditional load would not).
inline float masked(bool keep, float dy) {
  return keep ? dy : 0.f;
}

// std::clamp by value: selects between values rather than references, which compilers
// if-convert and vectorize more readily.
template <typename T>
inline T clamped(T v, T lo, T hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

// The same in double, for |v| <= 2^51.
inline double round_half_even(double v) {
  constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52
  return (v + kShift) - kShift;
}

// floor(v) for |v| <= 2^50, vectorizable (std::floor needs SSE4.1's roundpd).
inline double floor_small(double v) {
  const double r = round_half_even(v);
  return r - (r > v ? 1.0 : 0.0);  // select a constant: no conditional arithmetic to speculate
}

// One uniform draw in [0, 1) per call, exactly 32 bits of the generator (the stream is
// portable, unlike std::uniform_real_distribution), as quantize_fixed_stochastic draws.
inline double uniform01(std::mt19937& rng) {
  return static_cast<double>(rng()) * 0x1p-32;  // exact, the same as ldexp(rng(), -32)
}

// n draws in order into `u` (serial: the generator is sequential).
void draw_uniform(std::mt19937& rng, int64_t n, std::vector<double>& u);

// Views a span of `channels` rows as a [channels, row] tensor (a copy).
FloatTensor as_tensor(std::span<const float> x, int64_t channels);

// y = float(value - zero_point) * scale, the float32 dequantization of kernels::dequantize,
// so that forward() and dequantize(to_integer()) agree bit for bit.
inline float dequantized(int64_t value, int64_t zero_point, float scale) {
  return static_cast<float>(value - zero_point) * scale;
}

// A scale for QuantParams: positive, so a zero statistic becomes the smallest normal float
// (as kernels/quantizers.cpp does), which dequantizes to ~0.
inline float positive_scale(double s) {
  constexpr float tiny = 1.17549435e-38f;  // std::numeric_limits<float>::min()
  return s > tiny ? static_cast<float>(s) : tiny;
}

// mean |x| over [begin, end), summed in order in double exactly as kernels/quantizers.cpp
// does for binary and TWN alphas (weights are small; bitwise agreement matters more).
inline double sequential_mean_abs(std::span<const float> x, int64_t begin, int64_t end) {
  double sum = 0;
  for (int64_t i = begin; i < end; ++i) sum += std::fabs(static_cast<double>(x[i]));
  return end > begin ? sum / static_cast<double>(end - begin) : 0.0;
}

// Gradient quantizers have no integer form; forward-only methods say so.
[[noreturn]] void no_integer_form(const std::string& method, Role role);

// Copies dy into dx (straight-through estimator).
void pass_through(std::span<const float> dy, std::span<float> dx);

}  // namespace qasim::kernels::qat::detail
