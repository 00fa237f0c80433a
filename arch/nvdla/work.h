// What each unit does for a command, in plain C++, shared by the fast and the clocked
// model so both issue the same DRAM requests and count the same actions: where tensors
// live in DRAM, the reads of a tile's loads, the writes of its outputs, its MAC cycles,
// and the work of a standalone PDP/SDP layer. (Timing rules: fast_model.h.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/common/dram_layout.h"
#include "arch/common/timing_graph.h"
#include "arch/nvdla/compiler.h"
#include "arch/nvdla/params.h"
#include "arch/nvdla/stats.h"
#include "workloads/graph.h"

namespace qasim::arch::nvdla {

// Tensors in NCHW at element_bytes per value, weights [K, C/g, R, S]; a reinterpretation
// (Unit::None) shares its input's address. InputError when the network does not fit
// dram.capacity_bytes.
DramLayout plan_dram(const workloads::Graph& graph, const Program& program,
                     const NvdlaParams& params);

// CDMA: the tile's weights (when not resident), then its input rows: one read per
// contiguous run (whole kernels or planes together, else one per kernel / channel plane).
std::vector<DramRequest> tile_loads(const workloads::Graph& graph, const LayerCommand& cmd,
                                    const ConvTile& t, const DramLayout& layout,
                                    const NvdlaParams& params);
// WDMA: the tile's outputs, one write per output-channel row range (one when the stripe
// covers whole planes).
std::vector<DramRequest> tile_writes(const LayerCommand& cmd, const ConvTile& t,
                                     const DramLayout& layout, const NvdlaParams& params);
// CMAC: ceil(c/atomic_c) * ceil(k/atomic_k) * outputs * R * S; an image-packed first layer
// ceil(c*S/atomic_c) * ceil(k/atomic_k) * outputs * R.
uint64_t tile_mac_cycles(const LayerCommand& cmd, const ConvTile& t, const NvdlaParams& params);
// Output elements of the tile (k x rows x width).
uint64_t tile_outputs(const LayerCommand& cmd, const ConvTile& t);
// CSC: one atomic_c data entry per MAC cycle, and each weight of the tile once.
uint64_t tile_cbuf_read_bytes(const LayerCommand& cmd, const ConvTile& t,
                              const NvdlaParams& params);
// Useful MACs of a convolution command.
int64_t conv_macs(const LayerCommand& cmd);
// Precision label of a weighted layer's MACs: "w<weight bits>a<input bits>".
std::string mac_label(const workloads::Graph& graph, size_t layer);
// Adds the labels of every weighted layer to cmac.mac; returns each layer's label index.
std::vector<size_t> add_mac_labels(const workloads::Graph& graph, CmacStats& cmac);

// A standalone PDP or SDP layer: read its inputs, process, write its output.
struct UnitWork {
  std::vector<DramRequest> reads;
  DramRequest write;
  uint64_t ops = 0;          // elements (SDP) or window taps (PDP)
  uint64_t busy_cycles = 0;  // ops at the unit's throughput
};
UnitWork unit_work(const workloads::Graph& graph, const LayerCommand& cmd, const DramLayout& layout,
                   const NvdlaParams& params);

}  // namespace qasim::arch::nvdla
