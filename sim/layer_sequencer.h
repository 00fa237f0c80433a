// The controller of a clocked accelerator model that runs a network layer by layer: at each
// edge it finishes the running layer once its units report done (a message on `done`),
// then starts the following layers until one has work to wait for (a layer without work
// finishes at the edge it starts), and stops the simulation after the last layer. The
// per-layer stats window of the recorder spans each layer. What a layer's start sends and
// what its finish records belong to the accelerator (Hooks).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>

#include "sim/channel.h"
#include "sim/dram_port.h"
#include "sim/stats_report.h"

namespace qasim::sim {

class LayerSequencer : public sc_core::sc_module {
 public:
  struct Hooks {
    size_t layers = 0;
    std::function<std::string(size_t layer)> name;
    // Sends layer `layer` to its units (the recorder's window is open); false when the
    // layer has no work, so that it finishes at once.
    std::function<bool(size_t layer)> start;
    // Records layer `layer`, run from cycle `start` to cycle `end`, before the window closes.
    std::function<void(size_t layer, uint64_t start, uint64_t end)> finish;
  };

  sc_core::sc_in<bool> clk;
  Channel<size_t> done{"done", kDeepChannel};  // a unit: the running layer is done
  bool finished = false;                       // every layer ran
  uint64_t layer = 0;                          // index of the layer running (for traces)

  LayerSequencer(sc_core::sc_module_name name, StatsRecorder& recorder, Hooks hooks);

 private:
  void on_edge();
  void finish(uint64_t cycle);

  StatsRecorder& m_recorder;
  Hooks m_hooks;
  size_t m_next = 0;  // layers finished
  bool m_waiting = false;
  uint64_t m_start = 0;
  uint64_t m_cycle = 0;
};

}  // namespace qasim::sim
