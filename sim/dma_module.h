// The clocked (SystemC) wrapper of a DmaEngine: transfers arrive through a command channel,
// completions leave through a completion channel, and at every rising edge the engine issues
// what is due at that cycle.
//
// Timing rules, on top of the engine's (sim/dma.h) and the channel's (sim/channel.h):
// - A transfer pushed at edge c is seen at edge c+1; it starts at the first edge at which it
//   is visible and the engine is free (the previous transfer's done cycle or later).
// - The completion of a transfer done at cycle D is pushed at edge D-1, so the requester
//   sees it at edge D; a full completion channel delays it (stall cycles are counted).
// - The engine calls the two memory cores directly from this module's process. No other
//   process may call those cores at the same edges (their arbitration order would then be
//   SystemC's process order); give other clients their own MemoryModule ports on separate
//   cores, or drive the engine from the accelerator's own process in a fixed order.
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>

#include "sim/channel.h"
#include "sim/dma.h"

namespace qasim::sim {

struct DmaCompletion {
  uint64_t tag = 0;
  uint64_t start = 0;  // cycle the transfer started
  uint64_t done = 0;   // cycle its last write was done
};

class DmaModule : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;

  // `engine` outlives the module. The channels' stats are groups cmd and done of a group
  // named after the module, which joins `stats_parent`.
  DmaModule(sc_core::sc_module_name name, DmaEngine& engine, size_t depth = 2,
            StatGroup* stats_parent = nullptr);

  Channel<DmaTransfer>& commands() { return m_commands; }
  Channel<DmaCompletion>& completions() { return m_completions; }
  uint64_t cycle() const { return m_cycle; }
  const StatGroup& stats() const { return m_stats; }
  // Adds the edge count, a busy flag and both channels to a VCD file.
  void trace(sc_core::sc_trace_file* file) const;

 private:
  void on_edge();

  DmaEngine& m_engine;
  StatGroup m_stats;
  Channel<DmaTransfer> m_commands;
  Channel<DmaCompletion> m_completions;
  std::deque<DmaCompletion> m_outbox;  // completions waiting for their edge
  bool m_recorded = true;              // the current transfer's completion is in the outbox
  uint64_t m_cycle = 0;
  bool m_busy = false;  // for tracing
};

}  // namespace qasim::sim
