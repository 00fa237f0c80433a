#include "sim/clock.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <systemc>

#include "workloads/errors.h"

namespace qasim::sim {
namespace {

// 128-bit intermediates: cycles (up to 2^64) times a frequency in kHz does not fit in 64 bits.
using Wide = unsigned __int128;

uint64_t narrow(Wide v, const std::string& what) {
  if (v > static_cast<Wide>(UINT64_MAX))
    throw std::overflow_error(what + ": cycle count overflows");
  return static_cast<uint64_t>(v);
}

}  // namespace

ClockDomain::ClockDomain(std::string name, double freq_mhz) : m_name(std::move(name)) {
  const double khz = freq_mhz * 1000.0;
  if (!(freq_mhz > 0) || !std::isfinite(freq_mhz) || std::fabs(khz - std::round(khz)) > 1e-6)
    throw workloads::InputError(
        m_name, fmt::format("clock frequency must be a positive whole number of kHz, got {} MHz",
                            freq_mhz));
  m_khz = static_cast<uint64_t>(std::llround(khz));
}

sc_core::sc_time ClockDomain::period() const {
  return sc_core::sc_time(period_ns(), sc_core::SC_NS);
}

uint64_t ClockDomain::cycles_ceil(double ns) const {
  if (!(ns >= 0)) throw std::invalid_argument(m_name + ": a duration must be >= 0 ns");
  const double cycles = ns * static_cast<double>(m_khz) / 1e6;
  const double nearest = std::round(cycles);
  if (std::fabs(cycles - nearest) <= 1e-9 * std::max(1.0, nearest))
    return static_cast<uint64_t>(nearest);
  return static_cast<uint64_t>(std::ceil(cycles));
}

uint64_t ClockDomain::to_cycles_ceil(uint64_t cycles, const ClockDomain& to) const {
  const Wide num = static_cast<Wide>(cycles) * to.m_khz;
  return narrow((num + m_khz - 1) / m_khz, m_name);
}

uint64_t ClockDomain::to_cycles_floor(uint64_t cycles, const ClockDomain& to) const {
  return narrow(static_cast<Wide>(cycles) * to.m_khz / m_khz, m_name);
}

}  // namespace qasim::sim
