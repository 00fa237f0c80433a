// What the EIE units do per layer, from the compiled program and the layer's real input
// activations (sample 0), shared by the fast and the cycle model:
// - an SpMV job per row batch (and per group and output position of a lowered convolution):
//   the im2col gather, the non-zero columns the LNZD broadcasts in order, the write-back;
// - PPU work for pooling/add/concat layers;
// - the DRAM load of the layer's compressed weights when the network does not fit on chip.
// count_job() adds the counts that do not depend on time; the models add cycles, stalls and
// per-PE busy cycles.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/eie/compiler.h"
#include "arch/eie/stats.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::arch::eie {

struct SpmvJob {
  const EncodedMatrix* matrix = nullptr;
  int batch = 0;
  uint32_t gathered = 0;          // im2col activations copied into the source registers
  uint32_t gather_cycles = 0;     // ceil(gathered / num_pes): each PE writes one per cycle
  uint32_t scanned = 0;           // vector length the LNZD tests
  std::vector<uint32_t> columns;  // the non-zero activations, in broadcast order
  uint32_t write_cycles = 0;      // the fullest PE's local rows: one write-back per cycle
  uint32_t outputs = 0;           // rows of the batch

  // Cycles PE `pe` spends on broadcast item `item`: one per CSC entry of its column, and one
  // for the pointer read when the column has none there.
  uint32_t pe_cycles(int pe, size_t item) const {
    const uint32_t e = matrix->column_entries(batch, pe, static_cast<int>(columns[item]));
    return e ? e : 1;
  }
};

struct LayerWork {
  std::vector<SpmvJob> jobs;
  uint64_t ppu_ops = 0;
  uint64_t ppu_cycles = 0;
  uint64_t weight_bytes = 0;  // loaded from DRAM when the weights are not resident
};

// Work of program layer `i`; `activations` are execute()'s outputs for one sample.
LayerWork layer_work(const workloads::Graph& graph, const Program& program, size_t i,
                     const EieParams& params, const std::vector<kernels::IntTensor>& activations);

// Counts of a job that do not depend on when things happen.
void count_job(const SpmvJob& job, const EieParams& params, EieStats& stats);

}  // namespace qasim::arch::eie
