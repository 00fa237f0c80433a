// The clocked DRAM port of the NVDLA model: the one process that calls the DRAM core, so
// its arbitration never depends on SystemC's process order. Clients send requests through
// their own channels; at each edge the port takes every request it sees, writes before
// reads (client order: WDMA, unit writes, CDMA, unit reads), and times them with the
// DRAM model at that edge. A response leaves at the request's done cycle, so the client
// sees it one hop later (pipeline.h). Channels are deep enough never to push back.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <systemc>
#include <vector>

#include "arch/nvdla/work.h"
#include "sim/channel.h"
#include "sim/dram.h"

namespace qasim::arch::nvdla {

enum DramClient : size_t { kWdmaWrite, kUnitWrite, kCdmaRead, kUnitRead, kDramClients };

struct DramResponse {
  uint64_t done = 0;
};

inline constexpr size_t kDeepChannel = size_t{1} << 20;  // no back-pressure in this model

class DramPort : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  DramPort(sc_core::sc_module_name name, sim::Dram& dram);

  sim::Channel<DramRequest>& requests(DramClient c) { return *m_requests[c]; }
  sim::Channel<DramResponse>& responses(DramClient c) { return *m_responses[c]; }

 private:
  void on_edge();
  struct Pending {
    uint64_t done;
    DramClient client;
  };
  sim::Dram& m_dram;
  std::array<std::unique_ptr<sim::Channel<DramRequest>>, kDramClients> m_requests;
  std::array<std::unique_ptr<sim::Channel<DramResponse>>, kDramClients> m_responses;
  std::vector<Pending> m_pending;  // responses not yet due
  uint64_t m_cycle = 0;
};

}  // namespace qasim::arch::nvdla
