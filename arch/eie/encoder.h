// The compressed sparse column (CSC) storage of EIE: a layer's weight matrix (rows = output
// neurons, columns = input activations) is split across the PEs by interleaving rows (row r
// belongs to PE r % N, as its local row r / N). Each PE stores, for each column, its
// non-zero weights as 8-bit entries {codebook index, relative index}: the relative index
// counts the zeros before the entry since the previous entry of the column (or since local
// row 0). A gap longer than 2^relative_index_bits - 1 zeros is bridged by padding entries
// whose index decodes to zero. A pointer per column (p_j, p_j+1) delimits the entries.
//
// The destination activation registers hold `activation_registers` rows per PE, so a matrix
// with more rows is cut into row batches of N * activation_registers rows (each its own
// CSC slice with its own pointers); the input is broadcast once per batch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/eie/params.h"

namespace qasim::arch::eie {

// The arithmetic unit's lookup table for one layer: index 0 is zero (padding entries), the
// layer's distinct non-zero weights follow in increasing order.
struct HardwareCodebook {
  std::vector<int32_t> values;
  int index_of(int32_t value) const;  // -1 when absent
};

// From every effective weight (weight minus its zero point) of a layer. InputError naming
// `where` when there are more distinct non-zero values than 2^index_bits - 1 or one does not
// fit weight_bits.
HardwareCodebook build_codebook(const std::vector<int32_t>& weights, const EieParams& p,
                                const std::string& where);

struct CscEntry {
  uint8_t code = 0;   // codebook index; 0 = a zero (padding)
  uint8_t zeros = 0;  // zeros before this entry in its column
};

// One PE's share of one row batch.
struct PeSlice {
  std::vector<CscEntry> entries;
  std::vector<uint32_t> pointers;  // cols + 1: column j is entries [pointers[j], pointers[j+1])
  int rows = 0;                    // local rows this PE holds in the batch
};

struct EncodedMatrix {
  int rows = 0, cols = 0, num_pes = 0, batches = 0, batch_rows = 0;  // batch_rows per PE
  std::vector<int32_t> codebook;
  std::vector<PeSlice> slices;  // [batch * num_pes + pe]
  int64_t entries = 0;          // all entries, padding included
  int64_t padding = 0;          // padding entries

  const PeSlice& slice(int batch, int pe) const { return slices[size_t(batch) * num_pes + pe]; }
  uint32_t column_entries(int batch, int pe, int col) const {
    const PeSlice& s = slice(batch, pe);
    return s.pointers[col + 1] - s.pointers[col];
  }
  // The matrix row of local row `local` of PE `pe` in `batch`.
  int64_t row_of(int batch, int pe, int local) const {
    return (int64_t{batch} * batch_rows + local) * num_pes + pe;
  }
  // Local rows of the PE that holds most in `batch`: the write-back cycles of the batch.
  int max_rows(int batch) const;
};

// `weights` holds rows x cols effective weights, row-major; every non-zero must be in
// `codebook`.
EncodedMatrix encode(const int32_t* weights, int rows, int cols, const HardwareCodebook& codebook,
                     const EieParams& p);

// acc[r] += sum_j W[r][j] * a[j] over the non-zero a[j], walking the CSC entries the way the
// PEs do (the decoded row is the running sum of relative indices). `acc` has `rows` entries.
void multiply_accumulate(const EncodedMatrix& m, const int32_t* a, int64_t* acc);

}  // namespace qasim::arch::eie
