#include "arch/eie/encoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "workloads/errors.h"

namespace qasim::arch::eie {

int HardwareCodebook::index_of(int32_t value) const {
  const auto it = std::lower_bound(values.begin() + 1, values.end(), value);
  return it != values.end() && *it == value ? static_cast<int>(it - values.begin()) : -1;
}

HardwareCodebook build_codebook(const std::vector<int32_t>& weights, const EieParams& p,
                                const std::string& where) {
  std::set<int32_t> distinct;
  for (int32_t w : weights)
    if (w != 0) distinct.insert(w);
  const int shared = p.codebook_entries() - 1;  // index 0 is the zero of the padding entries
  if (static_cast<int>(distinct.size()) > shared)
    throw workloads::InputError(
        where, fmt::format("{} distinct non-zero weights; EIE's {}-bit codebook index holds {} "
                           "shared weights besides zero (weight-share the layer, e.g. the "
                           "codebook scheme with at most {} non-zero centroids)",
                           distinct.size(), p.index_bits, shared, shared));
  const int64_t hi = (int64_t{1} << (p.weight_bits - 1)) - 1, lo = -hi - 1;
  for (int32_t w : distinct)
    if (w < lo || w > hi)
      throw workloads::InputError(where, fmt::format("shared weight {} does not fit the {}-bit "
                                                     "arithmetic unit",
                                                     w, p.weight_bits));
  HardwareCodebook book;
  book.values.push_back(0);
  book.values.insert(book.values.end(), distinct.begin(), distinct.end());
  return book;
}

int EncodedMatrix::max_rows(int batch) const {
  int most = 0;
  for (int pe = 0; pe < num_pes; ++pe) most = std::max(most, slice(batch, pe).rows);
  return most;
}

EncodedMatrix encode(const int32_t* weights, int rows, int cols, const HardwareCodebook& codebook,
                     const EieParams& p) {
  EncodedMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.num_pes = p.num_pes;
  m.batch_rows = p.activation_registers;
  m.codebook = codebook.values;
  const int64_t per_batch = p.rows_per_batch();
  m.batches = static_cast<int>(std::max<int64_t>(1, (rows + per_batch - 1) / per_batch));
  m.slices.resize(size_t(m.batches) * p.num_pes);
  const int max_zeros = p.max_relative_index();
  for (int b = 0; b < m.batches; ++b)
    for (int pe = 0; pe < p.num_pes; ++pe) {
      PeSlice& s = m.slices[size_t(b) * p.num_pes + pe];
      while (s.rows < m.batch_rows && m.row_of(b, pe, s.rows) < rows) ++s.rows;
      s.pointers.reserve(size_t(cols) + 1);
      s.pointers.push_back(0);
      for (int j = 0; j < cols; ++j) {
        int last = -1;  // local row of the previous entry of this column
        for (int local = 0; local < s.rows; ++local) {
          const int32_t w = weights[m.row_of(b, pe, local) * cols + j];
          if (w == 0) continue;
          int gap = local - last - 1;
          while (gap > max_zeros) {  // a padding zero after max_zeros zeros
            s.entries.push_back({0, static_cast<uint8_t>(max_zeros)});
            ++m.padding;
            gap -= max_zeros + 1;
          }
          s.entries.push_back(
              {static_cast<uint8_t>(codebook.index_of(w)), static_cast<uint8_t>(gap)});
          last = local;
        }
        s.pointers.push_back(static_cast<uint32_t>(s.entries.size()));
      }
      m.entries += static_cast<int64_t>(s.entries.size());
    }
  return m;
}

void multiply_accumulate(const EncodedMatrix& m, const int32_t* a, int64_t* acc) {
  for (int j = 0; j < m.cols; ++j) {
    const int64_t aj = a[j];
    if (aj == 0) continue;  // the LNZD broadcasts only non-zero activations
    for (int b = 0; b < m.batches; ++b)
      for (int pe = 0; pe < m.num_pes; ++pe) {
        const PeSlice& s = m.slice(b, pe);
        int local = -1;
        for (uint32_t e = s.pointers[j]; e < s.pointers[j + 1]; ++e) {
          local += s.entries[e].zeros + 1;
          acc[m.row_of(b, pe, local)] += int64_t{m.codebook[s.entries[e].code]} * aj;
        }
      }
  }
}

}  // namespace qasim::arch::eie
