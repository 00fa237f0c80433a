// The clocked DRAM port of the UNPU model: the one process that calls the DRAM core, so its
// arbitration never depends on SystemC's process order. At each edge it takes every request
// it sees, writes (the DMA writer) before reads (the DMA loader), and times them with the
// DRAM model at that edge; a response leaves at the request's done cycle and is seen one hop
// later. (The same scheme as the NVDLA model's port; a shared sim/ block would serve both.)
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <systemc>
#include <vector>

#include "arch/unpu/work.h"
#include "sim/channel.h"
#include "sim/dram.h"

namespace qasim::arch::unpu {

enum DramClient : size_t { kWriter, kLoader, kDramClients };

inline constexpr size_t kDeepChannel = size_t{1} << 20;  // no back-pressure in this model

class DramPort : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  DramPort(sc_core::sc_module_name name, sim::Dram& dram);

  sim::Channel<DramRequest>& requests(DramClient c) { return *m_requests[c]; }
  sim::Channel<uint64_t>& responses(DramClient c) { return *m_responses[c]; }

 private:
  void on_edge();
  struct Pending {
    uint64_t done;
    DramClient client;
  };
  sim::Dram& m_dram;
  std::array<std::unique_ptr<sim::Channel<DramRequest>>, kDramClients> m_requests;
  std::array<std::unique_ptr<sim::Channel<uint64_t>>, kDramClients> m_responses;
  std::vector<Pending> m_pending;
  uint64_t m_cycle = 0;
};

}  // namespace qasim::arch::unpu
