// Optional VCD tracing (for `--trace out.vcd`). A Tracer that is off opens no file and
// registers nothing, so SystemC does no tracing work at all: tracing costs nothing unless
// asked for. Register everything during elaboration, before sc_start.
#pragma once

#include <string>
#include <systemc>

namespace qasim::sim {

class Tracer {
 public:
  Tracer() = default;  // off
  // Off when `path` is empty; otherwise creates the VCD file at `path` (".vcd" is added
  // unless present). InputError when the file cannot be created.
  explicit Tracer(const std::string& path);
  ~Tracer();  // closes (and so completes) the file
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  bool enabled() const { return m_file != nullptr; }
  sc_core::sc_trace_file* file() const { return m_file; }
  // Traces a signal, port or plain variable (anything sc_trace accepts) under `name`.
  template <typename T>
  void add(const T& object, const std::string& name) {
    if (m_file) sc_core::sc_trace(m_file, object, name);
  }
  // Traces a component with a trace(sc_trace_file*) method: Channel, MemoryModule, DmaModule.
  template <typename C>
  void add_component(const C& component) {
    if (m_file) component.trace(m_file);
  }
  // The path written, with its ".vcd".
  const std::string& path() const { return m_path; }

 private:
  sc_core::sc_trace_file* m_file = nullptr;
  std::string m_path;
};

}  // namespace qasim::sim
