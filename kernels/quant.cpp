#include "kernels/quant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qasim::kernels {

std::string to_string(Scheme s) {
  switch (s) {
    case Scheme::Uniform:
      return "uniform";
    case Scheme::Binary:
      return "binary";
    case Scheme::Ternary:
      return "ternary";
    case Scheme::PowerOfTwo:
      return "pow2";
    case Scheme::Codebook:
      return "codebook";
    case Scheme::FixedPoint:
      return "fixed";
  }
  return "?";
}

Scheme scheme_from_string(const std::string& name) {
  for (Scheme s : {Scheme::Uniform, Scheme::Binary, Scheme::Ternary, Scheme::PowerOfTwo,
                   Scheme::Codebook, Scheme::FixedPoint})
    if (to_string(s) == name) return s;
  throw std::invalid_argument("unknown quantization scheme '" + name +
                              "' (expected uniform, binary, ternary, pow2, codebook or fixed)");
}

int QuantParams::max_exponent() const {
  // 1 sign bit + (bits-1) code bits; code 0 is zero, code k>0 is 2^(k-1).
  return (1 << (bits - 1)) - 2;
}

int32_t QuantParams::qmin() const {
  switch (scheme) {
    case Scheme::Binary:
    case Scheme::Ternary:
      return -1;
    case Scheme::PowerOfTwo:
      return -(int32_t{1} << max_exponent());
    case Scheme::Codebook:
      return codebook.empty() ? 0 : *std::min_element(codebook.begin(), codebook.end());
    case Scheme::FixedPoint:
      return -(int32_t{1} << (bits - 1));
    case Scheme::Uniform:
      return is_signed ? -(int32_t{1} << (bits - 1)) : 0;
  }
  return 0;
}

int32_t QuantParams::qmax() const {
  switch (scheme) {
    case Scheme::Binary:
    case Scheme::Ternary:
      return 1;
    case Scheme::PowerOfTwo:
      return int32_t{1} << max_exponent();
    case Scheme::Codebook:
      return codebook.empty() ? 0 : *std::max_element(codebook.begin(), codebook.end());
    case Scheme::FixedPoint:
      return (int32_t{1} << (bits - 1)) - 1;
    case Scheme::Uniform:
      return is_signed ? (int32_t{1} << (bits - 1)) - 1 : (int32_t{1} << bits) - 1;
  }
  return 0;
}

void QuantParams::validate(const std::string& where) const {
  auto fail = [&](const std::string& problem) {
    throw std::invalid_argument(
        fmt::format("{}: {} quantization: {}", where, to_string(scheme), problem));
  };
  const int min_bits = scheme == Scheme::PowerOfTwo ? 2 : 1;
  if (bits < min_bits || bits > 16) fail(fmt::format("{} bits outside [{}, 16]", bits, min_bits));
  if (scheme == Scheme::PowerOfTwo && max_exponent() > 30)
    fail(fmt::format("{} bits give exponents beyond 2^30", bits));
  if (scale.empty()) fail("no scale");
  for (float s : scale)
    if (!(s > 0.f) || !std::isfinite(s))
      fail(fmt::format("scale {} must be positive and finite", s));
  if (zero_point.empty()) fail("no zero point");
  if (zero_point.size() != 1 && zero_point.size() != scale.size())
    fail(fmt::format("{} zero points for {} scales", zero_point.size(), scale.size()));
  if (axis < 0) fail("negative axis");
  if (scheme == Scheme::Uniform) {
    for (int32_t z : zero_point)
      if (z < qmin() || z > qmax())
        fail(fmt::format("zero point {} outside [{}, {}]", z, qmin(), qmax()));
  } else {
    for (int32_t z : zero_point)
      if (z != 0) fail(fmt::format("zero point must be 0, got {}", z));
  }
  if (scheme == Scheme::Codebook) {
    if (codebook.empty() || codebook.size() > (size_t{1} << bits))
      fail(fmt::format("{} codebook entries for {}-bit indices", codebook.size(), bits));
  } else if (!codebook.empty()) {
    fail("only codebook quantization has a codebook");
  }
  if (scheme == Scheme::FixedPoint && (frac_bits < 0 || frac_bits >= 31))
    fail(fmt::format("fraction bits {} outside [0, 30]", frac_bits));
}

QuantParams QuantParams::uniform(int bits, bool is_signed, float scale, int32_t zero_point) {
  QuantParams q;
  q.bits = bits;
  q.is_signed = is_signed;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

QuantParams QuantParams::uniform_per_channel(int bits, std::vector<float> scales) {
  QuantParams q;
  q.bits = bits;
  q.scale = std::move(scales);
  q.zero_point = {0};
  return q;
}

QuantParams QuantParams::binary(std::vector<float> alphas) {
  QuantParams q;
  q.scheme = Scheme::Binary;
  q.bits = 1;
  q.scale = std::move(alphas);
  return q;
}

QuantParams QuantParams::ternary(std::vector<float> alphas) {
  QuantParams q;
  q.scheme = Scheme::Ternary;
  q.bits = 2;
  q.scale = std::move(alphas);
  return q;
}

}  // namespace qasim::kernels
