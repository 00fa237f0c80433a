#include "sim/dram.h"

namespace qasim::sim {

Dram::Dram(std::string name, const DramParams& p, const ClockDomain& clock, StatGroup* stats_parent)
    : m_name(std::move(name)),
      m_params(p),
      m_timing(p, dram_bytes_per_cycle(p, clock)),
      m_store(m_name, static_cast<uint64_t>(p.capacity_bytes)),
      m_stats(m_name, stats_parent) {}

MemTiming Dram::touch(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes) {
  m_store.check_range(addr, bytes);
  const DramTiming::Result r = m_timing.access(cycle, op, addr, bytes);
  if (op == MemOp::Read) {
    ++m_stats.reads;
    m_stats.read_bytes += bytes;
    m_stats.read_bursts += r.bursts;
  } else {
    ++m_stats.writes;
    m_stats.write_bytes += bytes;
    m_stats.write_bursts += r.bursts;
  }
  m_stats.row_hits += r.row_hits;
  m_stats.row_misses += r.row_misses;
  m_stats.busy_cycles += r.busy_cycles;
  m_stats.latency.sample(r.timing.done - r.timing.issue);
  return r.timing;
}

MemTiming Dram::read(uint64_t cycle, uint64_t addr, std::span<uint8_t> out) {
  const MemTiming t = touch(cycle, MemOp::Read, addr, out.size());
  m_store.read(addr, out);
  return t;
}

MemTiming Dram::write(uint64_t cycle, uint64_t addr, std::span<const uint8_t> data) {
  const MemTiming t = touch(cycle, MemOp::Write, addr, data.size());
  m_store.write(addr, data);
  return t;
}

}  // namespace qasim::sim
