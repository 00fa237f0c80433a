#include "sim/trace.h"

#include <fstream>

#include "workloads/errors.h"

namespace qasim::sim {

Tracer::Tracer(const std::string& path) {
  if (path.empty()) return;
  const std::string suffix = ".vcd";
  const bool has_suffix = path.size() > suffix.size() &&
                          path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string stem = has_suffix ? path.substr(0, path.size() - suffix.size()) : path;
  m_path = stem + suffix;
  // SystemC opens the file only when simulation starts and reports failure then; check now,
  // so a bad --trace path is a clear input error before any work is done.
  if (!std::ofstream(m_path)) throw workloads::InputError(m_path, "cannot create trace file");
  m_file = sc_core::sc_create_vcd_trace_file(stem.c_str());
  m_file->set_time_unit(1, sc_core::SC_PS);
}

Tracer::~Tracer() {
  if (m_file) sc_core::sc_close_vcd_trace_file(m_file);
}

}  // namespace qasim::sim
