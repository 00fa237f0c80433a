#include "sim/trace.h"

#include <sysc/tracing/sc_tracing_ids.h>
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
  // The VCD time unit is SystemC's time resolution (1 ps unless a model changed it); that
  // is the intended choice, so SystemC's note saying so is not printed.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_TRACING_TIMESCALE_DEFAULT_,
                                          sc_core::SC_DO_NOTHING);
  m_file = sc_core::sc_create_vcd_trace_file(stem.c_str());
}

Tracer::~Tracer() {
  if (m_file) sc_core::sc_close_vcd_trace_file(m_file);
}

}  // namespace qasim::sim
