#include "sim/dma_module.h"

#include <string>

namespace qasim::sim {

DmaModule::DmaModule(sc_core::sc_module_name name, DmaEngine& engine, size_t depth,
                     StatGroup* stats_parent)
    : sc_core::sc_module(name),
      clk("clk"),
      m_engine(engine),
      m_stats(basename(), stats_parent),
      m_commands("cmd", depth, &m_stats),
      m_completions("done", depth, &m_stats) {
  SC_HAS_PROCESS(DmaModule);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

void DmaModule::on_edge() {
  const uint64_t c = m_cycle++;
  m_engine.advance_to(c);
  const auto record = [&] {
    if (!m_recorded && m_engine.all_issued()) {
      m_outbox.push_back({m_engine.transfer().tag, m_engine.start_cycle(), m_engine.done_cycle()});
      m_recorded = true;
    }
  };
  record();
  if (!m_engine.busy(c) && m_commands.valid()) {
    m_engine.start(m_commands.pop(), c);
    m_recorded = false;
    m_engine.advance_to(c);
    record();
  }
  // Completions leave in order, each no earlier than the edge before its done cycle.
  while (!m_outbox.empty() && m_outbox.front().done <= c + 1 &&
         m_completions.try_push(DmaCompletion(m_outbox.front())))
    m_outbox.pop_front();
  m_busy = m_engine.busy(c);
}

void DmaModule::trace(sc_core::sc_trace_file* file) const {
  sc_core::sc_trace(file, m_cycle, std::string(name()) + ".cycle");
  sc_core::sc_trace(file, m_busy, std::string(name()) + ".busy");
  m_commands.trace(file);
  m_completions.trace(file);
}

}  // namespace qasim::sim
