// The primitive cost models against the published points they are anchored to (exactly)
// and the ones they are checked against (within the documented error), node scaling as
// stated in configs/tech/horowitz45.yaml, and the V^2 law. Expected values are the
// published figures or hand arithmetic on them (written out beside each).
#include <gtest/gtest.h>

#include <cmath>

#include "sim/cost/primitives.h"
#include "sim/cost/technology.h"
#include "workloads/errors.h"

namespace qasim::sim::cost {
namespace {

Primitives at45() {
  return Primitives(at_table_node(default_technology_table()));
}

TEST(CostPrimitives, HorowitzAnchorsReproducedExactlyAt45nm) {
  const Primitives m = at45();
  EXPECT_NEAR(m.add_energy(8), 0.03, 1e-12);
  EXPECT_NEAR(m.add_energy(32), 0.1, 1e-12);
  EXPECT_NEAR(m.add_area(8), 36, 1e-9);
  EXPECT_NEAR(m.add_area(32), 137, 1e-9);
  EXPECT_NEAR(m.mult_energy(8, 8), 0.2, 1e-12);
  EXPECT_NEAR(m.mult_energy(32, 32), 3.1, 1e-12);
  EXPECT_NEAR(m.mult_area(8, 8), 282, 1e-9);
  EXPECT_NEAR(m.mult_area(32, 32), 3495, 1e-9);
  // 32b read from an 8 KB SRAM: 5 pJ.
  EXPECT_NEAR(m.sram_read_energy({8192, 32, 1, 1}, 32), 5.0, 1e-12);
  // MAC = mult + add at the accumulator width: 0.2 + 0.1.
  EXPECT_NEAR(m.mac_energy(8, 8, 32), 0.3, 1e-12);
}

TEST(CostPrimitives, FitsAreTheDocumentedOnes) {
  const Primitives m = at45();
  const Primitives::Fit& f = m.fit();
  // Adder line through (8, 0.03) and (32, 0.1): slope 0.07/24, intercept 0.03 - 8*slope.
  EXPECT_NEAR(f.add_e1, 0.07 / 24, 1e-12);
  EXPECT_NEAR(f.add_e0, 0.03 - 8 * 0.07 / 24, 1e-12);
  // Multiplier exponents ln(3.1/0.2)/ln(16) = 0.98855 and ln(3495/282)/ln(16) = 0.90788.
  EXPECT_NEAR(f.mult_e_exp, 0.98855, 1e-5);
  EXPECT_NEAR(f.mult_a_exp, 0.90788, 1e-5);
  // SRAM exponent: least squares through the anchor of y = ln(E/(w*5/32)) on x = ln(C/8K):
  // points (ln 4, ln 2) and (ln 128, ln 10) -> beta = 0.47648.
  EXPECT_NEAR(f.sram_beta, 0.47648, 1e-5);
  // SRAM area solved from EIE's 128 KB/1 bank (469412 um^2) and 32 KB/2 banks (121849):
  // a_bit = (2*469412 - 121849) / (2*1048576 - 262144) = 0.445216 um^2, a_bank = 2569.14.
  EXPECT_NEAR(f.sram_a_bit, 0.445216, 1e-6);
  EXPECT_NEAR(f.sram_a_bank, 2569.14, 0.01);
  // Register file per bit: one 16-bit MAC / 16 = (0.2*4^0.98855 + 0.03 + 8*0.07/24) / 16.
  EXPECT_NEAR(f.rf_e_bit, 0.0525459, 1e-6);
}

TEST(CostPrimitives, PublishedCheckPointsWithinTheDocumentedError) {
  const Primitives m = at45();
  // Horowitz 16b add 0.05 pJ / 67 um^2: the two-point line gives 0.0533 (+6.7 %) / 69.7 (+4 %).
  EXPECT_NEAR(m.add_energy(16) / 0.05 - 1, 0.0667, 0.001);
  EXPECT_NEAR(m.add_area(16) / 67 - 1, 0.0398, 0.001);
  // SRAM 64-bit accesses of 32 KB (20 pJ) and 1 MB (100 pJ): within 5 %.
  EXPECT_NEAR(m.sram_read_energy({32768, 64, 1, 1}, 64), 20.0, 0.05 * 20.0);
  EXPECT_NEAR(m.sram_read_energy({1048576, 64, 1, 1}, 64), 100.0, 0.05 * 100.0);
  // The two EIE area points are solved exactly.
  EXPECT_NEAR(m.sram_area({131072, 64, 1, 1}), 469412, 1e-6);
  EXPECT_NEAR(m.sram_area({32768, 16, 2, 1}), 121849, 1e-6);
}

TEST(CostPrimitives, SramIsMonotoneInCapacityAndWidth) {
  const Primitives m = at45();
  double last_energy = 0, last_area = 0;
  for (int64_t bytes = 512; bytes <= (int64_t{4} << 20); bytes *= 2) {
    const MemoryShape s{bytes, 64, 1, 1};
    EXPECT_GT(m.sram_read_energy(s, 64), last_energy) << bytes;
    EXPECT_GT(m.sram_area(s), last_area) << bytes;
    last_energy = m.sram_read_energy(s, 64);
    last_area = m.sram_area(s);
  }
  double last = 0;
  for (int w = 8; w <= 512; w *= 2) {
    EXPECT_GT(m.sram_read_energy({65536, w, 1, 1}, w), last) << w;
    last = m.sram_read_energy({65536, w, 1, 1}, w);
  }
  // Banking: the same capacity in 4 banks costs less per access, more area.
  EXPECT_LT(m.sram_read_energy({65536, 64, 4, 1}, 64), m.sram_read_energy({65536, 64, 1, 1}, 64));
  EXPECT_GT(m.sram_area({65536, 64, 4, 1}), m.sram_area({65536, 64, 1, 1}));
  // A second port: cell area x1.3, energy x sqrt(1.3).
  EXPECT_NEAR(m.sram_read_energy({8192, 32, 1, 2}, 32), 5.0 * std::sqrt(1.3), 1e-9);
}

TEST(CostPrimitives, NodeScalingAsStated) {
  const Technology t45 = at_table_node(default_technology_table());
  // Table rows: 32 nm area 0.46 energy 0.66; 7 nm 0.059 / 0.094; 65 nm 1.5 / 1.24.
  const Primitives m32(with_node(t45, 32));
  EXPECT_NEAR(m32.add_energy(8), 0.03 * 0.66, 1e-12);
  EXPECT_NEAR(m32.mult_area(8, 8), 282 * 0.46, 1e-9);
  const Primitives m7(with_node(t45, 7));
  EXPECT_NEAR(m7.mult_energy(32, 32), 3.1 * 0.094, 1e-12);
  const Primitives m65(with_node(t45, 65));
  EXPECT_NEAR(m65.add_area(32), 137 * 1.5, 1e-9);
  EXPECT_NEAR(m65.add_energy(32), 0.1 * 1.24, 1e-12);
  // 28 nm: log-log between 32 and 20 nm, t = ln(32/28)/ln(32/20) = 0.28411;
  // area 0.46*(0.21/0.46)^t = 0.36814, energy 0.66*(0.22/0.66)^t = 0.48305.
  const Technology t28 = with_node(t45, 28);
  EXPECT_NEAR(t28.area_factor(), 0.36814, 1e-5);
  EXPECT_NEAR(t28.energy_factor(), 0.48305, 1e-5);
  // DRAM energy is off-chip: not scaled with the node.
  EXPECT_NEAR(Primitives(t28).dram_energy_per_byte(), 8 * 8.0, 1e-12);
  EXPECT_THROW(with_node(t45, 5), workloads::InputError);
  EXPECT_THROW(with_node(t45, 90), workloads::InputError);
}

TEST(CostPrimitives, EnergyFollowsTheSquareOfTheSupply) {
  const Technology t = at_table_node(default_technology_table());
  const Primitives half(with_voltage(t, 0.45));
  EXPECT_NEAR(half.mult_energy(8, 8), 0.2 * 0.25, 1e-12);
  EXPECT_NEAR(half.sram_read_energy({8192, 32, 1, 1}, 32), 5.0 * 0.25, 1e-12);
  // Area does not depend on the supply; leakage falls linearly with it.
  EXPECT_NEAR(half.mult_area(8, 8), 282, 1e-9);
  const Primitives full(t);
  EXPECT_NEAR(half.sram_leakage_mw({8192, 32, 1, 1}), 0.5 * full.sram_leakage_mw({8192, 32, 1, 1}),
              1e-15);
  // 8192 B x 8 bits x 0.5 nW = 32.768 uW.
  EXPECT_NEAR(full.sram_leakage_mw({8192, 32, 1, 1}), 0.032768, 1e-12);
  // Node and supply together: 32 nm at 0.8 V -> 0.66 * (0.8/0.9)^2.
  const Primitives both(with_voltage(with_node(t, 32), 0.8));
  EXPECT_NEAR(both.add_energy(32), 0.1 * 0.66 * (0.8 / 0.9) * (0.8 / 0.9), 1e-12);
  EXPECT_THROW(with_voltage(t, 0), workloads::InputError);
}

TEST(CostPrimitives, BitSerialBinaryAndLookupUnits) {
  const Primitives m = at45();
  const double e1 = 0.07 / 24, e0 = 0.03 - 8 * e1;
  // shift_add(16) = add(16) + 16 register bits at 0.004 pJ.
  EXPECT_NEAR(m.shift_add_energy(16), e0 + 16 * e1 + 16 * 0.004, 1e-12);
  // xnor_popcount(64) = 64 x (XNOR 0.0015 + full-adder slope).
  EXPECT_NEAR(m.xnor_popcount_energy(64), 64 * (0.0015 + e1), 1e-12);
  EXPECT_NEAR(m.comparator_energy(16), m.add_energy(16), 1e-15);
  // A 16-entry x 16-bit codebook (32 B): 16 x e_rf x (32/512)^beta.
  EXPECT_NEAR(m.lut_access_energy(16, 16), 16 * 0.0525459 * std::pow(32.0 / 512, 0.47648), 1e-5);
  // Register file at its reference size: one 16-bit MAC per 16-bit word.
  EXPECT_NEAR(m.rf_access_energy(512, 16), m.mac_energy(16, 16, 16), 1e-12);
}

}  // namespace
}  // namespace qasim::sim::cost
