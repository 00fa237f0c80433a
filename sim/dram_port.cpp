#include "sim/dram_port.h"

#include <string>

namespace qasim::sim {

DramPort::DramPort(sc_core::sc_module_name name, Dram& dram, size_t clients, size_t writers)
    : sc_core::sc_module(name), clk("clk"), m_dram(dram), m_writers(writers) {
  for (size_t c = 0; c < clients; ++c) {
    const std::string id = std::to_string(c);
    m_requests.push_back(std::make_unique<Channel<DramAccess>>(("req" + id).c_str(), kDeepChannel));
    m_responses.push_back(std::make_unique<Channel<uint64_t>>(("resp" + id).c_str(), kDeepChannel));
  }
  SC_HAS_PROCESS(DramPort);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

void DramPort::on_edge() {
  const uint64_t c = m_cycle++;
  for (size_t client = 0; client < m_requests.size(); ++client) {
    const MemOp op = client < m_writers ? MemOp::Write : MemOp::Read;
    Channel<DramAccess>& in = *m_requests[client];
    while (in.valid()) {
      const DramAccess r = in.pop();
      m_pending.push_back({m_dram.touch(c, op, r.addr, r.bytes).done, client});
    }
  }
  // A response leaves at its done cycle (done > c for every request taken above).
  size_t kept = 0;
  for (const Pending& p : m_pending) {
    if (p.done <= c)
      m_responses[p.client]->push(p.done);
    else
      m_pending[kept++] = p;
  }
  m_pending.resize(kept);
}

}  // namespace qasim::sim
