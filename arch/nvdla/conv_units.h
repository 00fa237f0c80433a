// The clocked convolution pipeline: CDMA -> (CBUF) -> CONV (CSC + CMAC + CACC) -> SDP ->
// WDMA, one SC_METHOD per unit, each counting its own rising edges. CONV issues one atom
// per edge (one atomic_c data entry read from CBUF, reduced by the atomic_k MAC cells and
// accumulated by CACC), so a tile occupies exactly its atom count of edges. They exchange
// messages through sim::Channel (one register hop each, pipeline.h) and reach DRAM only
// through the DramPort. The timing of each step comes from work.h, the same functions the
// fast model calls, so both models give the same cycles and counts. These modules carry
// timing and counts only; the values come from executor.h (same tiles, same order).
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>
#include <vector>

#include "arch/nvdla/stats.h"
#include "arch/nvdla/work.h"
#include "sim/channel.h"
#include "sim/dram_port.h"
#include "sim/trace.h"

namespace qasim::arch::nvdla {

using sim::DramPort;
using sim::kDeepChannel;

// DRAM port clients in the order the port serves them each edge: the writers first.
enum DramClient : size_t { kWdmaWrite, kUnitWrite, kCdmaRead, kUnitRead, kDramClients };

// What every unit reads: the compiled program and where its tensors live.
struct CycleContext {
  const workloads::Graph& graph;
  const NvdlaParams& params;
  const Program& program;
  const DramLayout& layout;
  NvdlaStats& stats;
  const std::vector<size_t>& mac_label;  // per weighted layer: index into cmac.mac
};

class Cdma : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  Cdma(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram);
  sim::Channel<size_t> commands{"cmd", kDeepChannel};  // layer index
  sim::Channel<size_t> freed{"freed", kDeepChannel};   // CONV: a tile's compute is done
  sim::Channel<size_t>* loaded = nullptr;              // to CONV: a tile is in CBUF
  void trace(sim::Tracer& tracer) const;

 private:
  void on_edge();
  const CycleContext& m_ctx;
  DramPort& m_dram;
  const LayerCommand* m_cmd = nullptr;
  size_t m_next = 0;         // next tile to load
  size_t m_freed = 0;        // tiles whose compute CDMA has seen done
  size_t m_outstanding = 0;  // reads of the loading tile not yet answered
  bool m_loading = false;
};

class ConvCore : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  ConvCore(sc_core::sc_module_name name, const CycleContext& ctx);
  sim::Channel<size_t> commands{"cmd", kDeepChannel};
  sim::Channel<size_t> loaded{"loaded", kDeepChannel};
  sim::Channel<size_t>* freed = nullptr;   // to CDMA
  sim::Channel<size_t>* to_sdp = nullptr;  // tile index whose sums are final
  void trace(sim::Tracer& tracer) const;

 private:
  void on_edge();
  const CycleContext& m_ctx;
  const uint64_t m_entry_bytes;  // one CBUF data entry: atomic_c elements
  const LayerCommand* m_cmd = nullptr;
  size_t m_tile = 0;    // tile computing or next to compute
  size_t m_loaded = 0;  // tiles seen loaded
  bool m_busy = false;
  uint64_t m_atoms_left = 0;  // atoms of the current tile not yet issued
};

class Sdp : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  Sdp(sc_core::sc_module_name name, const CycleContext& ctx);
  sim::Channel<size_t> commands{"cmd", kDeepChannel};
  sim::Channel<size_t> tiles{"tiles", kDeepChannel};
  sim::Channel<size_t>* to_wdma = nullptr;
  void trace(sim::Tracer& tracer) const;

 private:
  void on_edge();
  const CycleContext& m_ctx;
  const LayerCommand* m_cmd = nullptr;
  std::deque<size_t> m_queue;
  bool m_busy = false;
  size_t m_current = 0;
  uint64_t m_finish = 0;
  uint64_t m_cycle = 0;
};

class Wdma : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  Wdma(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram);
  sim::Channel<size_t> commands{"cmd", kDeepChannel};
  sim::Channel<size_t> tiles{"tiles", kDeepChannel};
  sim::Channel<size_t>* layer_done = nullptr;  // to the controller
  void trace(sim::Tracer& tracer) const;

 private:
  void on_edge();
  const CycleContext& m_ctx;
  DramPort& m_dram;
  const LayerCommand* m_cmd = nullptr;
  size_t m_tiles_left = 0;   // tiles whose outputs SDP has not handed over yet
  size_t m_outstanding = 0;  // writes not yet answered
};

}  // namespace qasim::arch::nvdla
