// The arithmetic contract between the golden reference and every accelerator:
// how wide the accumulator is, what happens on overflow, and how int accumulators are
// requantized to the next layer's integers. Both sides emulate these exactly.
#pragma once

#include <string>

namespace qasim::kernels {

enum class RequantMode {
  OnnxFloat,  // ONNX / ONNX Runtime: acc * (float scale), round half to even, + zero point
  Gemmlowp,   // gemmlowp / TFLite: SaturatingRoundingDoublingHighMul + RoundingDivideByPOT
  MulShift,   // hardware: (acc * m + 2^(s-1)) >> s with an unsigned `mulshift_bits` m,
              // i.e. round half up (towards +inf); saturate to the output range
};

enum class Overflow {
  Wrap,      // two's-complement wrap to `bits` (order-independent)
  Saturate,  // exact sum, then clamp to the `bits` range (hardware with guard bits)
};

struct AccumulatorSpec {
  int bits = 32;  // 16..64
  Overflow overflow = Overflow::Saturate;
  bool operator==(const AccumulatorSpec&) const = default;
};

struct Numerics {
  RequantMode requant = RequantMode::OnnxFloat;
  AccumulatorSpec accumulator;
  int mulshift_bits = 16;  // width of the multiplier in MulShift mode
  bool operator==(const Numerics&) const = default;
};

std::string to_string(RequantMode m);
std::string to_string(Overflow o);
RequantMode requant_mode_from_string(const std::string& name);  // onnx|gemmlowp|mulshift
Overflow overflow_from_string(const std::string& name);         // wrap|saturate

}  // namespace qasim::kernels
