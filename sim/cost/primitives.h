// Energy (pJ), area (µm²) and leakage (mW) of hardware primitives at a Technology's node
// and supply, from models fitted to its table when constructed:
//
//   add(n)        E = e0 + e1 n, A = a0 + a1 n: the line through the two adder anchors
//                 (Horowitz 8b/32b). Not strictly ∝ n: a pure ∝ n fit misses the 8b add by
//                 16 %; the intercept is small (0.0067 pJ, 2.3 µm²).
//   mult(a, b)    E = E_ref (ab / ab_ref)^γ: the power law through the two multiplier
//                 anchors (γ = 0.989 for energy, 0.908 for area: ~ the product of widths).
//   mac(w, a, c)  mult(w, a) + add(c): a multiply and an add at the accumulator width.
//   register(n)   n flip-flop writes; shift_add(n) = add(n) + register(n) (the one-bit shift
//                 of a bit-serial accumulator is wiring); comparator(n) = add(n) (a
//                 subtraction); xnor_popcount(n) = n XNOR gates + a popcount tree of
//                 ~n full adders (add slope e1 per bit).
//   sram(C, w)    read E = w e_bit (C_bank / C_anchor)^β, e_bit from the SRAM anchor exactly,
//                 β by least squares (log space) over the table's energy points; a write
//                 costs write_to_read_energy x a read; each port beyond the first multiplies
//                 energy by sqrt(1 + extra_port_area) and cell area by (1 + extra_port_area).
//                 Area A = a_bit bits (port factor) + a_bank banks, solved from two points.
//   rf(C, w)      E = w e_rf (C / reference_bytes)^β, e_rf = alu_ratio x mac(16,16,16) / 16
//                 (Eyeriss: a register-file access costs about one 16-bit MAC).
//   lut(e, n)     a register file of n entries of e bits (codebooks, bit-serial LUTs).
// Leakage: SRAM per bit; everything else per µm² of logic. Scaled with the node's energy
// factor and linearly with the supply (a first-order assumption: I_leak x V).
#pragma once

#include <cstdint>

#include "sim/cost/technology.h"

namespace qasim::sim::cost {

// Dimensions of one memory instance.
struct MemoryShape {
  int64_t bytes = 0;  // capacity of the instance
  int word_bits = 0;
  int banks = 1;  // an access touches one bank
  int ports = 1;
};

class Primitives {
 public:
  explicit Primitives(const Technology& tech);
  const Technology& technology() const { return m_tech; }

  double add_energy(int bits) const;
  double add_area(int bits) const;
  double mult_energy(int a_bits, int b_bits) const;
  double mult_area(int a_bits, int b_bits) const;
  double mac_energy(int w_bits, int a_bits, int acc_bits) const;
  double mac_area(int w_bits, int a_bits, int acc_bits) const;
  double register_energy(int bits) const;
  double register_area(int bits) const;
  double shift_add_energy(int bits) const;
  double shift_add_area(int bits) const;
  double comparator_energy(int bits) const { return add_energy(bits); }
  double comparator_area(int bits) const { return add_area(bits); }
  double xnor_popcount_energy(int bits) const;
  double xnor_popcount_area(int bits) const;

  double sram_read_energy(const MemoryShape& m, int access_bits) const;
  double sram_write_energy(const MemoryShape& m, int access_bits) const;
  double sram_area(const MemoryShape& m) const;
  double sram_leakage_mw(const MemoryShape& m) const;

  double rf_access_energy(int64_t bytes, int access_bits) const;
  double rf_area(int64_t bytes) const;
  double lut_access_energy(int entry_bits, int64_t entries) const;

  double logic_leakage_mw(double area_um2) const;
  double dram_energy_per_byte() const;

  // The fitted coefficients at the table's node, for reports and tests.
  struct Fit {
    double add_e0, add_e1, add_a0, add_a1;
    double mult_e_ref, mult_e_exp, mult_a_ref, mult_a_exp, mult_ab_ref;
    double sram_e_bit, sram_c_ref, sram_beta;
    double sram_a_bit, sram_a_bank;
    double rf_e_bit;
  };
  const Fit& fit() const { return m_fit; }

 private:
  Technology m_tech;
  Fit m_fit{};
  double m_energy = 1;  // node and voltage factor
  double m_area = 1;    // node factor
  double m_leak = 1;    // node and linear voltage factor
};

}  // namespace qasim::sim::cost
