#include "kernels/numerics.h"

#include <stdexcept>

namespace qasim::kernels {

std::string to_string(RequantMode m) {
  switch (m) {
    case RequantMode::OnnxFloat:
      return "onnx";
    case RequantMode::Gemmlowp:
      return "gemmlowp";
    case RequantMode::MulShift:
      return "mulshift";
  }
  return "?";
}

std::string to_string(Overflow o) {
  return o == Overflow::Wrap ? "wrap" : "saturate";
}

RequantMode requant_mode_from_string(const std::string& name) {
  if (name == "onnx") return RequantMode::OnnxFloat;
  if (name == "gemmlowp") return RequantMode::Gemmlowp;
  if (name == "mulshift") return RequantMode::MulShift;
  throw std::invalid_argument("unknown requantization mode '" + name +
                              "' (expected onnx, gemmlowp or mulshift)");
}

Overflow overflow_from_string(const std::string& name) {
  if (name == "wrap") return Overflow::Wrap;
  if (name == "saturate") return Overflow::Saturate;
  throw std::invalid_argument("unknown overflow mode '" + name + "' (expected wrap or saturate)");
}

}  // namespace qasim::kernels
