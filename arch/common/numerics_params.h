// The numerics every accelerator's params carry (accumulator_bits, overflow, requant,
// mulshift_bits): their schema fields, in that order with the same ranges and choices and
// each model's own descriptions, and the kernels::Numerics they give.
#pragma once

#include <string>

#include "kernels/numerics.h"
#include "sim/params.h"

namespace qasim::arch {

// What each numerics field means on one accelerator (the unit that does it).
struct NumericsFieldDocs {
  std::string accumulator_bits;
  std::string overflow;
  std::string requant;
  std::string mulshift_bits;
};

template <typename P>
void add_numerics_fields(sim::ParamSchema<P>& s, const NumericsFieldDocs& docs) {
  s.add("accumulator_bits", &P::accumulator_bits, "bits", docs.accumulator_bits).range(16, 64);
  s.add_choice("overflow", &P::overflow,
               {{"saturate", kernels::Overflow::Saturate}, {"wrap", kernels::Overflow::Wrap}},
               docs.overflow);
  s.add_choice("requant", &P::requant,
               {{"mulshift", kernels::RequantMode::MulShift},
                {"gemmlowp", kernels::RequantMode::Gemmlowp},
                {"onnx", kernels::RequantMode::OnnxFloat}},
               docs.requant);
  s.add("mulshift_bits", &P::mulshift_bits, "bits", docs.mulshift_bits).range(2, 31);
}

template <typename P>
kernels::Numerics numerics_of(const P& p) {
  kernels::Numerics n;
  n.requant = p.requant;
  n.accumulator = {p.accumulator_bits, p.overflow};
  n.mulshift_bits = p.mulshift_bits;
  return n;
}

}  // namespace qasim::arch
