// Graph -> what the EIE model does per layer. Fully connected layers are one sparse
// matrix-vector product (SpMV). Convolutions are lowered: every output position is an SpMV
// of the layer's [K/g, C/g*R*S] matrix (per group) with that position's im2col vector, which
// the activation read/write unit first gathers into the source registers; the weights are
// streamed from the sparse-matrix SRAM again for every position (nothing is reused across
// positions, as on the real EIE). Pooling, residual adds, concat and rescales run on a
// post-processing unit (PPU) of ppu_lanes elements per cycle; flatten is free.
// Layers must carry weights (timing depends on their non-zero pattern). InputError when a
// layer cannot run: too many distinct weights for the codebook, weights or activations wider
// than the datapath, a vector longer than the activation storage, a layer whose weights do
// not fit its PE SRAMs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/eie/encoder.h"
#include "arch/eie/params.h"
#include "workloads/graph.h"

namespace qasim::arch::eie {

enum class Unit { None, Spmv, Ppu };
std::string to_string(Unit u);

struct LayerPlan {
  size_t layer = 0;
  std::string name;
  Unit unit = Unit::None;
  // Spmv: `groups` matrices of rows x cols, each multiplied once per output position.
  bool lowered = false;  // a convolution (im2col vector per position)
  int groups = 1, rows = 0, cols = 0;
  int64_t positions = 1;
  std::vector<EncodedMatrix> matrices;  // one per group
  int64_t storage_entries = 0;          // CSC entries in the fullest PE (all groups)
  int64_t storage_pointers = 0;         // pointers per PE (all groups and batches)
  // Ppu: element operations (window taps, add inputs, copies).
  int64_t ppu_ops = 0;
};

struct Program {
  std::vector<LayerPlan> layers;  // one per graph layer
  // Whether every layer's weights fit the PE SRAMs together; if not, each SpMV layer loads
  // its compressed weights from DRAM when it starts.
  bool resident = true;
  int64_t weight_bytes(const LayerPlan& l, const EieParams& p) const;
};

Program compile(const workloads::Graph& graph, const EieParams& params);

}  // namespace qasim::arch::eie
