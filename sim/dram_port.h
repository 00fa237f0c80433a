// A clocked DRAM port: the one process that calls the DRAM core, so that an accelerator's
// DRAM arbitration never depends on SystemC's process order. Clients send requests through
// their own channels; at each edge the port takes every request it sees, in client order
// (clients [0, writers) write, the others read: writes before reads when the writers come
// first), and times them with the DRAM model at that edge. A response (the request's done
// cycle) leaves at that cycle, so the client sees it one hop later. Channels are deep
// enough never to push back.
#pragma once

#include <cstdint>
#include <memory>
#include <systemc>
#include <vector>

#include "sim/channel.h"
#include "sim/dram.h"
#include "sim/mem_types.h"

namespace qasim::sim {

inline constexpr size_t kDeepChannel = size_t{1} << 20;  // no back-pressure

class DramPort : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  DramPort(sc_core::sc_module_name name, Dram& dram, size_t clients, size_t writers);

  Channel<DramAccess>& requests(size_t client) { return *m_requests.at(client); }
  Channel<uint64_t>& responses(size_t client) { return *m_responses.at(client); }

 private:
  void on_edge();
  struct Pending {
    uint64_t done;
    size_t client;
  };
  Dram& m_dram;
  size_t m_writers;
  std::vector<std::unique_ptr<Channel<DramAccess>>> m_requests;
  std::vector<std::unique_ptr<Channel<uint64_t>>> m_responses;
  std::vector<Pending> m_pending;  // responses not yet due
  uint64_t m_cycle = 0;
};

}  // namespace qasim::sim
