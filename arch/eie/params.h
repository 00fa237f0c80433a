// EIE-style accelerator params (Han et al., ISCA 2016): N processing elements (PEs), each
// with a slice of the compressed weight matrix in its sparse-matrix SRAM (CSC entries of a
// codebook index and a relative row index), a pointer SRAM in two banks (even/odd columns),
// an activation queue, an arithmetic unit (codebook lookup, multiply-accumulate) and
// activation registers; a leading-non-zero detector (LNZD) broadcasts the non-zero input
// activations to every PE queue. What is published and what is assumed: README.md.
//
// Numerics: the arithmetic unit multiplies the decoded shared weight by the activation and
// accumulates exactly into `accumulator_bits` (overflow rule as param); the result is
// requantized with `requant` (default MulShift, 16-bit multiplier). The golden reference
// runs with numerics(); weights and activations must fit the datapath widths.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/numerics.h"
#include "sim/dram_timing.h"
#include "sim/params.h"

namespace qasim::arch::eie {

struct EieParams {
  int num_pes = 64;
  double clock_mhz = 800;
  int queue_depth = 8;  // activation FIFO entries per PE

  int index_bits = 4;           // codebook index per CSC entry (16 shared weights)
  int relative_index_bits = 4;  // zeros before an entry; longer gaps take padding entries
  int weight_bits = 16;         // width of a decoded shared weight (signed fixed point)
  int activation_bits = 16;     // width of an activation as the PE multiplies it (signed)

  int64_t spmat_sram_bytes = 128 * 1024;   // per PE: CSC entries
  int spmat_word_bits = 64;                // one SRAM read returns this many bits of entries
  int64_t pointer_sram_bytes = 32 * 1024;  // per PE, both banks
  int pointer_bits = 16;
  int activation_registers = 64;             // per PE: source and destination files each
  int64_t activation_sram_bytes = 2 * 1024;  // per PE: source activations beyond the registers

  int ppu_lanes = 64;
  sim::DramParams dram;  // where weights come from when the network does not fit on chip  //
                         // post-processing (pool, add, concat) elements per cycle

  int accumulator_bits = 32;
  kernels::Overflow overflow = kernels::Overflow::Saturate;
  kernels::RequantMode requant = kernels::RequantMode::MulShift;
  int mulshift_bits = 16;

  // run(graph, mode) has no input tensor: it times a deterministic synthetic input whose
  // elements are non-zero with this probability (run_with_input takes a real one).
  double synthetic_activation_density = 1.0;
  int synthetic_seed = 1;

  int codebook_entries() const { return 1 << index_bits; }
  int max_relative_index() const { return (1 << relative_index_bits) - 1; }
  int entry_bits() const { return index_bits + relative_index_bits; }
  int entries_per_word() const { return spmat_word_bits / entry_bits(); }
  int64_t spmat_entries() const { return spmat_sram_bytes * 8 / entry_bits(); }
  int64_t pointer_entries() const { return pointer_sram_bytes * 8 / pointer_bits; }
  // Source activations the PEs hold together (registers + activation SRAM).
  int64_t source_capacity() const {
    return int64_t{num_pes} * (activation_registers + activation_sram_bytes * 8 / activation_bits);
  }
  // Output rows one pass over the input produces (destination registers of all PEs).
  int64_t rows_per_batch() const { return int64_t{num_pes} * activation_registers; }

  kernels::Numerics numerics() const;

  // Fields, ranges, the preset `eie` and cross-field rules.
  static const sim::ParamSchema<EieParams>& schema();
};

}  // namespace qasim::arch::eie
