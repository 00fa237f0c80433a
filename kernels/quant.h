// How stored integers map to real numbers, for every quantization scheme qasim carries.
//
// Every scheme is reduced to "integer values the MAC array sees" plus an affine map:
//   real = scale[c] * (value - zero_point[c])
// so one exact integer datapath serves them all; `scheme` keeps what the hardware needs
// to know about the encoding (a binary layer can use XNOR/popcount, a codebook layer
// stores indices, a power-of-two layer multiplies by shifting).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qasim::kernels {

enum class Scheme {
  Uniform,     // affine, 2-16 bits, signed or unsigned, per-tensor or per-channel
  Binary,      // values {-1,+1}, sign(0) = +1, per-channel alpha in `scale`
  Ternary,     // values {-1,0,+1} (TWN: one alpha per channel in `scale`)
  PowerOfTwo,  // values 0 and +-2^e, e in [0, max_exponent()]
  Codebook,    // `bits`-bit index into `codebook` (shared integer weights); values are decoded
  FixedPoint,  // Qm.n: signed `bits` total, scale 2^-frac_bits, zero point 0
};

std::string to_string(Scheme s);
Scheme scheme_from_string(const std::string& name);  // throws std::invalid_argument

struct QuantParams {
  Scheme scheme = Scheme::Uniform;
  int bits = 8;  // storage bits per element (index bits for Codebook)
  bool is_signed = true;
  std::vector<float> scale = {1.0f};  // size 1: per tensor; else one per channel along `axis`
  std::vector<int32_t> zero_point = {0};
  int axis = 0;                   // channel axis of a per-channel tensor
  std::vector<int32_t> codebook;  // Codebook: the integer value of each index
  int frac_bits = 0;              // FixedPoint: n of Qm.n

  bool per_channel() const { return scale.size() > 1; }
  float scale_at(int64_t channel) const { return per_channel() ? scale[channel] : scale[0]; }
  int32_t zero_point_at(int64_t channel) const {
    return zero_point.size() > 1 ? zero_point[channel] : zero_point[0];
  }
  // Range of the integer values the datapath sees (decoded values for Codebook).
  int32_t qmin() const;
  int32_t qmax() const;
  int max_exponent() const;  // PowerOfTwo only: largest e
  // Throws std::invalid_argument naming `where` when the fields contradict each other.
  void validate(const std::string& where) const;

  bool operator==(const QuantParams& other) const = default;

  // Convenience constructors for the common cases.
  static QuantParams uniform(int bits, bool is_signed, float scale, int32_t zero_point = 0);
  static QuantParams uniform_per_channel(int bits, std::vector<float> scales);
  static QuantParams binary(std::vector<float> alphas);
  static QuantParams ternary(std::vector<float> alphas);
};

}  // namespace qasim::kernels
