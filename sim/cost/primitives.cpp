#include "sim/cost/primitives.h"

#include <algorithm>
#include <cmath>

namespace qasim::sim::cost {

namespace {

double sqrt_port_factor(const TechnologyTable& t, int ports) {
  return std::sqrt(1.0 + t.sram_extra_port_area.value * (ports - 1));
}

}  // namespace

Primitives::Primitives(const Technology& tech) : m_tech(tech) {
  const TechnologyTable& t = m_tech.table;
  Fit& f = m_fit;
  // Adder: the line through the two anchors.
  const UnitPoint& a0 = t.adder_anchors[0];
  const UnitPoint& a1 = t.adder_anchors[1];
  const double dn = a1.bits[0] - a0.bits[0];
  f.add_e1 = (a1.energy_pj - a0.energy_pj) / dn;
  f.add_e0 = a0.energy_pj - f.add_e1 * a0.bits[0];
  f.add_a1 = (a1.area_um2 - a0.area_um2) / dn;
  f.add_a0 = a0.area_um2 - f.add_a1 * a0.bits[0];

  // Multiplier: the power law in a*b through the two anchors.
  const UnitPoint& m0 = t.multiplier_anchors[0];
  const UnitPoint& m1 = t.multiplier_anchors[1];
  const double ab0 = double(m0.bits[0]) * m0.bits[1];
  const double ab1 = double(m1.bits[0]) * m1.bits[1];
  f.mult_ab_ref = ab0;
  f.mult_e_ref = m0.energy_pj;
  f.mult_a_ref = m0.area_um2;
  f.mult_e_exp = std::log(m1.energy_pj / m0.energy_pj) / std::log(ab1 / ab0);
  f.mult_a_exp = std::log(m1.area_um2 / m0.area_um2) / std::log(ab1 / ab0);

  // SRAM energy: per-bit energy from the anchor, exponent by least squares through it.
  f.sram_c_ref = double(t.sram_anchor.bytes);
  f.sram_e_bit = t.sram_anchor.energy_pj / t.sram_anchor.word_bits;
  double sxy = 0, sxx = 0;
  for (const SramPoint& p : t.sram_energy_points) {
    const double x = std::log(double(p.bytes) / f.sram_c_ref);
    const double y = std::log(p.energy_pj / (p.word_bits * f.sram_e_bit));
    sxy += x * y;
    sxx += x * x;
  }
  f.sram_beta = sxy / sxx;

  // SRAM area: a_bit*bits + a_bank*banks through the two points (Cramer's rule).
  const SramPoint& p = t.sram_area_points[0];
  const SramPoint& q = t.sram_area_points[1];
  const double pb = 8.0 * p.bytes, qb = 8.0 * q.bytes;
  const double det = pb * q.banks - qb * p.banks;
  f.sram_a_bit = (p.area_um2 * q.banks - q.area_um2 * p.banks) / det;
  f.sram_a_bank = (pb * q.area_um2 - qb * p.area_um2) / det;

  m_energy = m_tech.energy_factor();
  m_area = m_tech.area_factor();
  m_leak = m_energy / (m_tech.voltage_v / t.voltage_v);  // energy has V^2, leakage V^1

  // Register file: alu_ratio x one 16-bit MAC per 16-bit access at the reference size (the
  // MAC at the table's node: the node factor is applied once, in rf_access_energy).
  const double mac16 =
      (f.mult_e_ref * std::pow(256.0 / f.mult_ab_ref, f.mult_e_exp)) + (f.add_e0 + f.add_e1 * 16);
  f.rf_e_bit = t.rf_alu_ratio.value * mac16 / 16.0;
}

double Primitives::add_energy(int bits) const {
  return m_energy * (m_fit.add_e0 + m_fit.add_e1 * bits);
}
double Primitives::add_area(int bits) const {
  return m_area * (m_fit.add_a0 + m_fit.add_a1 * bits);
}
double Primitives::mult_energy(int a_bits, int b_bits) const {
  const double ab = double(a_bits) * b_bits;
  return m_energy * m_fit.mult_e_ref * std::pow(ab / m_fit.mult_ab_ref, m_fit.mult_e_exp);
}
double Primitives::mult_area(int a_bits, int b_bits) const {
  const double ab = double(a_bits) * b_bits;
  return m_area * m_fit.mult_a_ref * std::pow(ab / m_fit.mult_ab_ref, m_fit.mult_a_exp);
}
double Primitives::mac_energy(int w_bits, int a_bits, int acc_bits) const {
  return mult_energy(w_bits, a_bits) + add_energy(acc_bits);
}
double Primitives::mac_area(int w_bits, int a_bits, int acc_bits) const {
  return mult_area(w_bits, a_bits) + add_area(acc_bits);
}
double Primitives::register_energy(int bits) const {
  return m_energy * m_tech.table.register_energy_pj_per_bit.value * bits;
}
double Primitives::register_area(int bits) const {
  return m_area * m_tech.table.register_area_um2_per_bit.value * bits;
}
double Primitives::shift_add_energy(int bits) const {
  return add_energy(bits) + register_energy(bits);
}
double Primitives::shift_add_area(int bits) const {
  return add_area(bits) + register_area(bits);
}
double Primitives::xnor_popcount_energy(int bits) const {
  return m_energy * bits * (m_tech.table.xnor_energy_pj_per_bit.value + m_fit.add_e1);
}
double Primitives::xnor_popcount_area(int bits) const {
  return m_area * bits * (m_tech.table.xnor_area_um2_per_bit.value + m_fit.add_a1);
}

double Primitives::sram_read_energy(const MemoryShape& m, int access_bits) const {
  const double bank_bytes = double(m.bytes) / m.banks;
  return m_energy * access_bits * m_fit.sram_e_bit *
         std::pow(bank_bytes / m_fit.sram_c_ref, m_fit.sram_beta) *
         sqrt_port_factor(m_tech.table, m.ports);
}
double Primitives::sram_write_energy(const MemoryShape& m, int access_bits) const {
  return sram_read_energy(m, access_bits) * m_tech.table.sram_write_to_read_energy.value;
}
double Primitives::sram_area(const MemoryShape& m) const {
  const double ports = 1.0 + m_tech.table.sram_extra_port_area.value * (m.ports - 1);
  return m_area * (m_fit.sram_a_bit * 8.0 * m.bytes * ports + m_fit.sram_a_bank * m.banks);
}
double Primitives::sram_leakage_mw(const MemoryShape& m) const {
  return m_leak * m_tech.table.sram_leakage_nw_per_bit.value * 8.0 * m.bytes * 1e-6;
}

double Primitives::rf_access_energy(int64_t bytes, int access_bits) const {
  const double ref = m_tech.table.rf_reference_bytes.value;
  return m_energy * access_bits * m_fit.rf_e_bit * std::pow(double(bytes) / ref, m_fit.sram_beta);
}
double Primitives::rf_area(int64_t bytes) const {
  return m_area * m_tech.table.rf_area_um2_per_bit.value * 8.0 * bytes;
}
double Primitives::lut_access_energy(int entry_bits, int64_t entries) const {
  const int64_t bytes = std::max<int64_t>(1, (int64_t{entry_bits} * entries + 7) / 8);
  return rf_access_energy(bytes, entry_bits);
}

double Primitives::logic_leakage_mw(double area_um2) const {
  // The same circuit at another node: leakage scales like its devices' energy, whatever
  // its area became; so the area is taken back to the table's node first.
  return m_leak * m_tech.table.logic_leakage_nw_per_um2.value * (area_um2 / m_area) * 1e-6;
}

double Primitives::dram_energy_per_byte() const {
  return 8.0 * m_tech.dram_pj_per_bit();
}

}  // namespace qasim::sim::cost
