// The UNPU compiler: a graph becomes one command per layer, for the unit that runs it.
//
// Convolutions (grouped, depthwise, and FC as a 1x1 convolution over the flattened input)
// run on the DNN cores. The reduction of one output (C/g * R * S products) is cut into
// chunks of luts_per_lbpe LUTs' activations (one LBPE pass); the chunks are split
// over `core_split` groups of DNN cores (their partial sums meet in the aggregation core),
// and the LBPEs of the remaining cores take different output pixels, or different
// output-channel groups of the same pixel when there are fewer pixels than LBPEs (FC).
// A layer is cut into tiles (group, output-channel range, output-row stripe, column stripe
// when one row is too wide, and input-channel pass when one output's window or one output
// channel's weights do not fit) whose packed weights fit each core's weight memory and
// whose input window fits the feature memory (half of each when double buffering). The
// passes of one output tile run back to back; the aggregation core holds their partial
// sums (exact integers, so the result does not depend on the passes).
//
// Pooling, global pooling, residual add, concat and rescaling flatten run on the 1-D SIMD
// core. A layer the hardware cannot run (weights wider than max_weight_bits, activations
// wider than activation_bits, one input channel of one output that does not fit) is
// refused with an InputError naming it; nothing is skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/common/layer_shape.h"
#include "arch/unpu/lbpe.h"
#include "arch/unpu/params.h"
#include "kernels/ops.h"
#include "workloads/graph.h"

namespace qasim::arch::unpu {

enum class Unit {
  None,  // the input, or a pure reinterpretation (flatten without rescale)
  Lbpe,  // DMA -> DNN cores (LBPEs) -> aggregation core -> SIMD (requantize) -> DMA
  Simd,  // DMA -> SIMD core (pool, add, concat, rescale) -> DMA
};
std::string to_string(Unit u);

// Output channels [k0, k1), output rows [oy0, oy1) and columns [ox0, ox1) of group
// `group`, over input channels [c0, c1) of the group: all of them, or one pass of an
// input-channel-tiled layer, whose partial sums the aggregation core accumulates until
// the last pass.
struct Tile {
  int group = 0;
  int k0 = 0, k1 = 0;
  int oy0 = 0, oy1 = 0;
  int ox0 = 0, ox1 = 0;
  int c0 = 0, c1 = 0;         // input channels of this pass (within the group)
  bool last_pass = true;      // the outputs are complete: requantize and write them
  int64_t chunks = 0;         // LBPE passes per output over this tile's reduction
  int core_split = 1;         // core groups the chunks are split over (divides cores)
  int iy0 = 0, iy1 = 0;       // input rows the tile reads (clamped to the image)
  int ix0 = 0, ix1 = 0;       // input columns it reads (clamped)
  bool load_weights = false;  // the tile's weights are not resident from the previous tile
  int64_t weight_bytes = 0;   // packed weights of the tile (DRAM bytes)
  int64_t data_bytes = 0;     // its input rows, at activation_bytes per value
};

struct LayerCommand {
  size_t layer = 0;
  std::string name;
  workloads::OpKind kind = workloads::OpKind::Input;
  Unit unit = Unit::None;
  ConvShape conv;       // Lbpe only
  WeightCoding coding;  // Lbpe only
  int64_t chunks = 0;   // of a tile of c_step input channels: ceil(its reduction / chunk)
  int core_split = 1;   // core groups those chunks are split over (divides cores)
  int c_step = 0;       // input channels per pass (group_in: no input-channel tiling)
  int k_step = 0, row_step = 0, col_step = 0;
  std::vector<Tile> tiles;  // Lbpe only, in execution order
};

struct Program {
  std::vector<LayerCommand> layers;  // one per graph layer, same order
};

// Products per output of tile `t`: its input channels x kernel window.
int64_t tile_reduction(const LayerCommand& cmd, const Tile& t);

Program compile(const workloads::Graph& graph, const UnpuParams& params);

}  // namespace qasim::arch::unpu
