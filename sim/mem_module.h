// The clocked (SystemC) wrapper of a memory core (Sram, Dram): requests and responses travel
// through ready/valid channels, one pair per port; at each rising edge the module accepts at
// most one request per port, in port order, and asks the core when it will be done.
//
// Timing rules, on top of the core's (sim/sram_timing.h, sim/dram_timing.h) and the
// channel's (sim/channel.h):
// - A request pushed by a requester at edge c is accepted at edge c+1 (when the port's
//   request channel held nothing older); that edge is the cycle the core is given.
// - Ports are served in index order at each edge: port 0 wins same-cycle bank conflicts.
// - The response of a request with done cycle d is pushed at edge d-1, so the requester sees
//   it (valid) at edge d, the cycle the core named. A full response channel delays it (and
//   counts stall cycles in that channel's stats); that is modelled back-pressure.
// Edges are counted from the first rising edge of `clk`, cycle 0.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/channel.h"
#include "sim/mem_types.h"
#include "sim/stats.h"

namespace qasim::sim {

struct MemRequest {
  uint64_t tag = 0;  // the requester's id, returned in the response
  MemOp op = MemOp::Read;
  uint64_t addr = 0;
  uint64_t bytes = 0;           // bytes to read; a write writes data.size() bytes
  std::vector<uint8_t> data{};  // write data
};

struct MemResponse {
  uint64_t tag = 0;
  MemOp op = MemOp::Read;
  uint64_t addr = 0;
  MemTiming timing;
  std::vector<uint8_t> data{};  // read data
};

class MemoryModule : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;

  // `core` outlives the module. Port channels hold `depth` entries; their stats are groups
  // req<p> and resp<p> of a group named after the module, which joins `stats_parent`.
  MemoryModule(sc_core::sc_module_name name, Memory& core, size_t ports, size_t depth = 2,
               StatGroup* stats_parent = nullptr);

  Channel<MemRequest>& request(size_t port) { return *m_requests.at(port); }
  Channel<MemResponse>& response(size_t port) { return *m_responses.at(port); }
  size_t ports() const { return m_requests.size(); }
  const StatGroup& stats() const { return m_stats; }
  // Edges seen so far.
  uint64_t cycle() const { return m_cycle; }
  // Adds the edge count, responses waiting and the port channels to a VCD file.
  void trace(sc_core::sc_trace_file* file) const;

 private:
  void on_edge();

  Memory& m_core;
  StatGroup m_stats;
  std::vector<std::unique_ptr<Channel<MemRequest>>> m_requests;
  std::vector<std::unique_ptr<Channel<MemResponse>>> m_responses;
  // Responses waiting for their delivery edge, by (edge, arrival order) so that delivery
  // order never depends on anything but the timing.
  struct Waiting {
    size_t port;
    MemResponse response;
  };
  std::map<std::pair<uint64_t, uint64_t>, Waiting> m_waiting;
  uint64_t m_arrivals = 0;
  uint64_t m_cycle = 0;
  uint64_t m_waiting_count = 0;  // for tracing
};

}  // namespace qasim::sim
