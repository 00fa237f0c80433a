// UNPU-style accelerator params (Lee et al., JSSC 2019): DNN cores of lookup-table-based
// bit-serial PEs (LBPEs), an aggregation core, a 1-D SIMD core, on-chip weight and feature
// memories, the DRAM behind them, the clock and the numerics.
//
// An LBPE holds `luts_per_lbpe` lookup tables of 2^lut_inputs entries; each LUT combines
// `lut_inputs` activations into the sums of every subset of them. Each cycle, for each of
// its output lanes, the LBPE takes one bit of the weights of every LUT's activations, reads
// one entry per LUT, sums them (adder tree) and shift-adds the sum into the lane's
// accumulator: an n-bit weight takes n cycles. With 1-bit (+-1) weights the sums are
// symmetric (flipping every sign negates the sum), so with `binary_half_lut` the same
// 2^lut_inputs entries cover lut_inputs + 1 activations (the last one's sign selects the
// entry or its negation).
//
// Which numbers are published and which are assumptions: arch/unpu/README.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels/numerics.h"
#include "sim/dram_timing.h"
#include "sim/params.h"

namespace qasim::arch::unpu {

struct UnpuParams {
  int cores = 4;                  // DNN cores
  int lbpes_per_core = 6;         // LBPEs per DNN core
  int lut_inputs = 3;             // activations per LUT at 2..16-bit weights (2^lut_inputs entries)
  bool binary_half_lut = true;    // +-1 weights: one more activation per LUT by symmetry
  int luts_per_lbpe = 16;         // LUTs per LBPE (their entries meet in one adder tree per lane)
  int lanes = 12;                 // output channels an LBPE serves per cycle
  int lut_fill_entries = 4;       // LUT entries written per cycle when a LUT is (re)built
  bool lut_double_buffer = true;  // build the next LUTs while the current ones are read

  int activation_bits = 16;  // widest activation the datapath takes (UNPU: 16)
  int max_weight_bits = 16;  // widest weight (bit planes) the LBPE serialises

  int weight_memory_kib = 64;    // per DNN core
  int weight_memory_banks = 4;   // banks of each weight memory (sizes the energy per access)
  int feature_memory_kib = 128;  // input features, shared by the cores' aligned loaders
  int feature_memory_banks = 8;  // banks of the feature memory
  bool double_buffer = true;     // load the next tile into one half while computing the other

  int aggregation_rate = 16;  // partial sums the aggregation core adds per cycle
  int simd_lanes = 16;        // elements the 1-D SIMD core processes per cycle

  double clock_mhz = 200;
  sim::DramParams dram;

  int accumulator_bits = 48;
  kernels::Overflow overflow = kernels::Overflow::Saturate;
  kernels::RequantMode requant = kernels::RequantMode::MulShift;
  int mulshift_bits = 16;

  int lbpes() const { return cores * lbpes_per_core; }
  int lut_entries() const { return 1 << lut_inputs; }
  // Activations one LUT combines: one more for +-1 weights with binary_half_lut.
  int inputs_per_lut(bool binary) const { return lut_inputs + (binary && binary_half_lut ? 1 : 0); }
  // Reduction elements of one LBPE pass (all its LUTs).
  int chunk(bool binary) const { return inputs_per_lut(binary) * luts_per_lbpe; }
  // Cycles to (re)build the LUTs of an LBPE (all LUTs fill in parallel).
  int lut_build_cycles() const { return (lut_entries() + lut_fill_entries - 1) / lut_fill_entries; }
  // Peak multiply-accumulates per cycle with `weight_bits`-bit weights, binary (+-1) at one
  // bit (real-valued: an n-bit weight occupies a lane for n cycles).
  double peak_macs_per_cycle(int weight_bits) const {
    return static_cast<double>(lbpes()) * chunk(weight_bits == 1) * lanes / weight_bits;
  }
  // Width of a LUT entry: the sum of up to lut_inputs + 1 activations minus their zero point.
  int lut_entry_bits() const {
    int log = 0;
    while ((1 << log) < lut_inputs + 1) ++log;
    return activation_bits + 1 + log;
  }
  // Width of an adder-tree output: the sum of one entry of every LUT of an LBPE.
  int tree_bits() const {
    int log = 0;
    while ((1 << log) < luts_per_lbpe) ++log;
    return lut_entry_bits() + log;
  }
  // Width of a lane's shift-add accumulator: one chunk's partial dot product.
  int lane_bits() const { return std::min(accumulator_bits, tree_bits() + max_weight_bits); }
  int activation_bytes() const { return (activation_bits + 7) / 8; }
  int64_t weight_memory_bytes() const { return int64_t{weight_memory_kib} * 1024; }
  int64_t feature_memory_bytes() const { return int64_t{feature_memory_kib} * 1024; }
  // What one tile may use of each memory: half of it when double buffering.
  int64_t weight_tile_bytes() const {
    return double_buffer ? weight_memory_bytes() / 2 : weight_memory_bytes();
  }
  int64_t feature_tile_bytes() const {
    return double_buffer ? feature_memory_bytes() / 2 : feature_memory_bytes();
  }

  // The banks buffer half `half` (0 or 1; tile t uses half t % 2) owns in a memory of
  // `banks` banks: [first, first + count). Double-buffered, each half owns banks / 2 whole
  // banks (a rule keeps the counts even); else the one buffer owns them all.
  struct BankRange {
    int first = 0, count = 0;
  };
  BankRange half_banks(int banks, int half) const {
    return double_buffer ? BankRange{half * banks / 2, banks / 2} : BankRange{0, banks};
  }

  kernels::Numerics numerics() const;

  // Fields, ranges, the preset `unpu` and cross-field rules.
  static const sim::ParamSchema<UnpuParams>& schema();
};

}  // namespace qasim::arch::unpu
