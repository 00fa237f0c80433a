// The NVDLA compiler: a graph becomes one command per layer, for the unit that runs it.
// Convolutions (grouped, depthwise, and FC as a 1x1 convolution over the flattened input)
// go to the convolution pipeline as tiles: output channels in groups of atomic_k
// multiples, output rows in stripes, input channels in chunks of atomic_c multiples, so
// that a tile's weights fit the weight part of the CBUF and its input rows the data part
// (half of each when double buffering). Pooling goes to PDP (a global average is a PDP
// average over the whole plane); residual adds and rescales go to SDP.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/common/layer_shape.h"
#include "arch/nvdla/params.h"
#include "kernels/ops.h"
#include "workloads/graph.h"

namespace qasim::arch::nvdla {

enum class Unit {
  None,  // the input, or a pure reinterpretation (flatten without rescale): no hardware work
  Conv,  // CDMA -> CBUF -> CSC -> CMAC -> CACC -> SDP -> WDMA
  Sdp,   // elementwise: add, rescale (concat, flatten with a new scale)
  Pdp,   // pooling
};
std::string to_string(Unit u);

// One pass of the convolution pipeline: output channels [k0, k1) and output rows
// [oy0, oy1) of group `group`, reduced over input channels [c0, c1) of that group.
struct ConvTile {
  int group = 0;
  int k0 = 0, k1 = 0;  // within the group
  int oy0 = 0, oy1 = 0;
  int c0 = 0, c1 = 0;         // within the group
  int iy0 = 0, iy1 = 0;       // input rows the stripe reads (clamped to the image)
  bool first_chunk = false;   // CACC starts from the bias
  bool last_chunk = false;    // CACC hands the sums to SDP
  bool load_weights = false;  // the tile's weights are not resident from the previous tile
  int64_t weight_bytes = 0;   // CBUF bytes of the tile's weights
  int64_t data_bytes = 0;     // CBUF bytes of the tile's input rows
};

struct LayerCommand {
  size_t layer = 0;  // index in the graph
  std::string name;
  workloads::OpKind kind = workloads::OpKind::Input;
  Unit unit = Unit::None;
  ConvShape conv;  // Conv only
  // Conv reading the network input with C < atomic_c under image_input_packing: each atom
  // holds C x kernel_w values of one input row (work.h tile_mac_cycles).
  bool image_packed = false;
  int k_step = 0, row_step = 0, c_step = 0;
  std::vector<ConvTile> tiles;  // Conv only, in execution order
};

struct Program {
  std::vector<LayerCommand> layers;  // one per graph layer, same order
};

// Throws InputError naming the layer for anything the hardware cannot run: an operand
// wider than the datapath, or a tile that cannot fit the CBUF even at its smallest.
Program compile(const workloads::Graph& graph, const NvdlaParams& params);

}  // namespace qasim::arch::nvdla
