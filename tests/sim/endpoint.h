// A clocked test process: runs fn(edge) at every rising edge, edge 0 first. Lets a test
// write a producer or consumer as a lambda.
#pragma once

#include <cstdint>
#include <functional>
#include <systemc>
#include <utility>

namespace qasim::sim::testing {

class Endpoint : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  Endpoint(sc_core::sc_module_name name, std::function<void(uint64_t)> fn)
      : sc_core::sc_module(name), clk("clk"), m_fn(std::move(fn)) {
    SC_HAS_PROCESS(Endpoint);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void on_edge() { m_fn(m_cycle++); }
  std::function<void(uint64_t)> m_fn;
  uint64_t m_cycle = 0;
};

}  // namespace qasim::sim::testing
