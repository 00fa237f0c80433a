#include "sim/sram.h"

namespace qasim::sim {

Sram::Sram(std::string name, const SramParams& p, StatGroup* stats_parent)
    : m_name(std::move(name)),
      m_params(p),
      m_timing(p),
      m_store(m_name, static_cast<uint64_t>(p.capacity_bytes)),
      m_stats(m_name, stats_parent) {}

MemTiming Sram::touch(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes) {
  m_store.check_range(addr, bytes);
  const SramTiming::Result r = m_timing.access(cycle, op, addr, bytes);
  if (op == MemOp::Read) {
    ++m_stats.reads;
    m_stats.read_bytes += bytes;
    m_stats.read_words += r.words;
  } else {
    ++m_stats.writes;
    m_stats.write_bytes += bytes;
    m_stats.write_words += r.words;
  }
  m_stats.bank_conflicts += r.conflicted_words;
  m_stats.conflict_stall_cycles += r.timing.start - r.timing.issue;
  return r.timing;
}

MemTiming Sram::read(uint64_t cycle, uint64_t addr, std::span<uint8_t> out) {
  const MemTiming t = touch(cycle, MemOp::Read, addr, out.size());
  m_store.read(addr, out);
  return t;
}

MemTiming Sram::write(uint64_t cycle, uint64_t addr, std::span<const uint8_t> data) {
  const MemTiming t = touch(cycle, MemOp::Write, addr, data.size());
  m_store.write(addr, data);
  return t;
}

SramInventory Sram::inventory() const {
  return {m_name, static_cast<uint64_t>(m_params.capacity_bytes),
          static_cast<uint32_t>(m_params.word_bytes), static_cast<uint32_t>(m_params.banks),
          static_cast<uint32_t>(m_params.ports_per_bank)};
}

}  // namespace qasim::sim
