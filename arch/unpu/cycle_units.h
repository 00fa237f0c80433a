// The clocked UNPU units: DMA loader (fills the weight and feature memories), DNN cores
// (the LBPEs), aggregation core, 1-D SIMD core and DMA writer, one SC_METHOD each, counting
// their own rising edges. They exchange messages through sim::Channel (one register hop
// each) and reach DRAM only through the DramPort. The DNN cores step every LBPE edge by
// edge (core_steps.h); the other units' cycles and counts come from work.h, the functions
// the fast model calls. Timing and counts only; the values come from
// executor.h.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <systemc>
#include <vector>

#include "arch/unpu/core_steps.h"
#include "arch/unpu/fast_model.h"
#include "arch/unpu/stats.h"
#include "arch/unpu/work.h"
#include "sim/channel.h"
#include "sim/dram_port.h"

namespace qasim::arch::unpu {

using sim::DramPort;
using sim::kDeepChannel;

// DRAM port clients in the order the port serves them each edge: the writer first.
enum DramClient : size_t { kWriter, kLoader, kDramClients };

// What every unit reads: the compiled program and where its tensors live.
struct CycleContext {
  const workloads::Graph& graph;
  const UnpuParams& params;
  const Program& program;
  const DramLayout& layout;
  UnpuStats& stats;
  const std::vector<size_t>& mac_label;  // per LBPE layer: index into lbpe.mac
  std::vector<TileSpan>& spans;          // the running layer's tiles (loader and cores)
};

// A unit that takes commands (layer indices) from the controller.
class ClockedUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sim::Channel<size_t> commands{"cmd", kDeepChannel};

 protected:
  ClockedUnit(sc_core::sc_module_name name, const CycleContext& ctx);
  virtual void on_edge() = 0;
  const CycleContext& m_ctx;
  const LayerCommand* m_cmd = nullptr;
  uint64_t m_cycle = 0;

 private:
  void edge() { on_edge(); }
};

class Loader : public ClockedUnit {
 public:
  Loader(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram);
  sim::Channel<size_t> freed{"freed", kDeepChannel};  // cores: a tile's compute is done
  sim::Channel<size_t>* to_cores = nullptr;           // a tile is in the memories
  sim::Channel<size_t>* to_simd = nullptr;            // a SIMD layer's inputs are read

 private:
  void on_edge() override;
  DramPort& m_dram;
  size_t m_next = 0, m_freed = 0, m_outstanding = 0;
  bool m_loading = false;
};

// The DNN cores: every edge of a tile, each busy LBPE builds its LUTs or reads them for
// one lane group and weight plane (core_steps.h), so a tile takes exactly its edges.
class DnnCores : public ClockedUnit {
 public:
  DnnCores(sc_core::sc_module_name name, const CycleContext& ctx);
  sim::Channel<size_t> loaded{"loaded", kDeepChannel};
  sim::Channel<size_t>* freed = nullptr;  // to the loader
  sim::Channel<size_t>* to_aggr = nullptr;

 private:
  void on_edge() override;
  size_t m_tile = 0, m_loaded = 0;
  std::optional<CoreSteps> m_steps;  // the tile being computed
};

// A unit that processes the tiles it is handed in order, each for some cycles (the
// aggregation and SIMD cores).
class TileStage : public ClockedUnit {
 public:
  sim::Channel<size_t> tiles{"tiles", kDeepChannel};
  sim::Channel<size_t>* next = nullptr;

 protected:
  TileStage(sc_core::sc_module_name name, const CycleContext& ctx);
  // Counts the tile's work and returns its cycles.
  virtual uint64_t start(size_t tile) = 0;
  // Whether the tile goes on to `next` when done.
  virtual bool forward(size_t) const { return true; }

 private:
  void on_edge() override;
  std::deque<size_t> m_queue;
  bool m_busy = false;
  size_t m_current = 0;
  uint64_t m_finish = 0;
};

// Adds the cores' partial sums and the bias; keeps them across input-channel passes and
// hands a tile to the SIMD core at its last pass.
class Aggregator : public TileStage {
 public:
  Aggregator(sc_core::sc_module_name name, const CycleContext& ctx) : TileStage(name, ctx) {}

 private:
  uint64_t start(size_t tile) override;
  bool forward(size_t tile) const override { return m_cmd->tiles[tile].last_pass; }
};

class SimdCore : public TileStage {
 public:
  SimdCore(sc_core::sc_module_name name, const CycleContext& ctx) : TileStage(name, ctx) {}

 private:
  uint64_t start(size_t tile) override;
};

class Writer : public ClockedUnit {
 public:
  Writer(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram);
  sim::Channel<size_t> tiles{"tiles", kDeepChannel};
  sim::Channel<size_t>* layer_done = nullptr;

 private:
  void on_edge() override;
  DramPort& m_dram;
  size_t m_tiles_left = 0, m_outstanding = 0;
};

}  // namespace qasim::arch::unpu
