#include "sim/mem_module.h"

#include <stdexcept>
#include <string>

namespace qasim::sim {

MemoryModule::MemoryModule(sc_core::sc_module_name name, Memory& core, size_t ports, size_t depth,
                           StatGroup* stats_parent)
    : sc_core::sc_module(name), clk("clk"), m_core(core), m_stats(basename(), stats_parent) {
  if (ports == 0) throw std::invalid_argument(std::string(basename()) + ": needs a port");
  for (size_t p = 0; p < ports; ++p) {
    const std::string req = "req" + std::to_string(p), resp = "resp" + std::to_string(p);
    m_requests.push_back(std::make_unique<Channel<MemRequest>>(req.c_str(), depth, &m_stats));
    m_responses.push_back(std::make_unique<Channel<MemResponse>>(resp.c_str(), depth, &m_stats));
  }
  SC_HAS_PROCESS(MemoryModule);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

void MemoryModule::on_edge() {
  const uint64_t c = m_cycle++;
  for (size_t p = 0; p < m_requests.size(); ++p) {
    if (!m_requests[p]->valid()) continue;
    MemRequest req = m_requests[p]->pop();
    MemResponse resp{req.tag, req.op, req.addr, {}, {}};
    if (req.op == MemOp::Read) {
      resp.data.resize(req.bytes);
      resp.timing = m_core.read(c, req.addr, resp.data);
    } else {
      resp.timing = m_core.write(c, req.addr, req.data);
    }
    // Every core takes at least a cycle (latencies >= 1, bursts take time), so d-1 >= c.
    if (resp.timing.done <= c)
      throw std::logic_error(std::string(name()) + ": a core answered within its issue cycle");
    m_waiting.emplace(std::make_pair(resp.timing.done - 1, m_arrivals++),
                      Waiting{p, std::move(resp)});
  }
  for (auto it = m_waiting.begin(); it != m_waiting.end() && it->first.first <= c;) {
    Channel<MemResponse>& out = *m_responses[it->second.port];
    if (out.try_push(std::move(it->second.response)))
      it = m_waiting.erase(it);
    else
      ++it;
  }
  m_waiting_count = m_waiting.size();
}

void MemoryModule::trace(sc_core::sc_trace_file* file) const {
  sc_core::sc_trace(file, m_cycle, std::string(name()) + ".cycle");
  sc_core::sc_trace(file, m_waiting_count, std::string(name()) + ".waiting");
  for (const auto& ch : m_requests) ch->trace(file);
  for (const auto& ch : m_responses) ch->trace(file);
}

}  // namespace qasim::sim
