// Clock domains: a frequency, its period, and conversions of cycle counts to time and between
// domains. Frequencies are held as whole kHz so that cycle conversions are exact integer
// arithmetic: no drift however many cycles are converted.
#pragma once

#include <cstdint>
#include <string>

namespace sc_core {
class sc_time;
}

namespace qasim::sim {

class ClockDomain {
 public:
  // InputError (naming the domain) unless freq_mhz > 0 and is a whole number of kHz.
  ClockDomain(std::string name, double freq_mhz);

  const std::string& name() const { return m_name; }
  double freq_mhz() const { return static_cast<double>(m_khz) / 1000.0; }
  uint64_t freq_khz() const { return m_khz; }
  double period_ns() const { return 1e6 / static_cast<double>(m_khz); }
  // The period as SystemC time, for an sc_clock (rounded to the time resolution, 1 ps by
  // default; modules count edges, so the rounding never reaches cycle counts).
  sc_core::sc_time period() const;

  // Time at the end of `cycles` cycles.
  double ns(uint64_t cycles) const { return static_cast<double>(cycles) * period_ns(); }
  // Whole cycles needed to cover `ns` nanoseconds, rounded up; a duration within 1e-9
  // cycles of a whole number counts as that number (so 10 ns at 1 GHz is 10, not 11).
  uint64_t cycles_ceil(double ns) const;
  // Cycles of `to` needed to cover `cycles` cycles of this domain: ceil(cycles * f_to / f_this).
  uint64_t to_cycles_ceil(uint64_t cycles, const ClockDomain& to) const;
  // Whole cycles of `to` that end within `cycles` cycles of this domain: floor(...).
  uint64_t to_cycles_floor(uint64_t cycles, const ClockDomain& to) const;

 private:
  std::string m_name;
  uint64_t m_khz;
};

}  // namespace qasim::sim
