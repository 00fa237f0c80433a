#include "sim/layer_sequencer.h"

#include <utility>

namespace qasim::sim {

LayerSequencer::LayerSequencer(sc_core::sc_module_name name, StatsRecorder& recorder, Hooks hooks)
    : sc_core::sc_module(name), clk("clk"), m_recorder(recorder), m_hooks(std::move(hooks)) {
  SC_HAS_PROCESS(LayerSequencer);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

void LayerSequencer::on_edge() {
  const uint64_t c = m_cycle++;
  if (m_waiting && done.valid()) {
    done.pop();
    finish(c);
  }
  while (!m_waiting && m_next < m_hooks.layers) {
    layer = m_next;
    m_recorder.begin_layer(m_hooks.name(m_next));
    m_start = c;
    if (!m_hooks.start(m_next)) {
      finish(c);
      continue;
    }
    m_waiting = true;
  }
  if (!m_waiting && !finished) {
    finished = true;
    sc_core::sc_stop();
  }
}

void LayerSequencer::finish(uint64_t cycle) {
  m_hooks.finish(m_next, m_start, cycle);
  m_recorder.end_layer();
  ++m_next;
  m_waiting = false;
}

}  // namespace qasim::sim
