#include "arch/accelerator.h"

#include <stdexcept>

namespace qasim::arch {

std::string to_string(Mode m) {
  return m == Mode::Fast ? "fast" : "cycle";
}

Mode mode_from_string(const std::string& s) {
  if (s == "fast") return Mode::Fast;
  if (s == "cycle") return Mode::Cycle;
  throw std::invalid_argument("mode '" + s + "' must be fast or cycle");
}

void Accelerator::set_trace(const std::string& vcd_path) {
  if (!vcd_path.empty())
    throw std::invalid_argument("the " + name() + " model cannot write a waveform trace");
}

}  // namespace qasim::arch
