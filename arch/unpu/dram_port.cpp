#include "arch/unpu/dram_port.h"

#include <string>

namespace qasim::arch::unpu {

DramPort::DramPort(sc_core::sc_module_name name, sim::Dram& dram)
    : sc_core::sc_module(name), clk("clk"), m_dram(dram) {
  for (size_t c = 0; c < kDramClients; ++c) {
    const std::string id = std::to_string(c);
    m_requests[c] = std::make_unique<sim::Channel<DramRequest>>(("req" + id).c_str(), kDeepChannel);
    m_responses[c] = std::make_unique<sim::Channel<uint64_t>>(("resp" + id).c_str(), kDeepChannel);
  }
  SC_HAS_PROCESS(DramPort);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

void DramPort::on_edge() {
  const uint64_t c = m_cycle++;
  for (size_t client = 0; client < kDramClients; ++client) {
    const sim::MemOp op = client == kWriter ? sim::MemOp::Write : sim::MemOp::Read;
    sim::Channel<DramRequest>& in = *m_requests[client];
    while (in.valid()) {
      const DramRequest r = in.pop();
      m_pending.push_back(
          {m_dram.touch(c, op, r.addr, r.bytes).done, static_cast<DramClient>(client)});
    }
  }
  size_t kept = 0;
  for (const Pending& p : m_pending) {
    if (p.done <= c)
      m_responses[p.client]->push(p.done);
    else
      m_pending[kept++] = p;
  }
  m_pending.resize(kept);
}

}  // namespace qasim::arch::unpu
