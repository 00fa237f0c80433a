#include "sim/sram_timing.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace qasim::sim {

const ParamSchema<SramParams>& SramParams::schema() {
  static const ParamSchema<SramParams> schema(
      "sram", "on-chip SRAM: banked, multi-ported, pipelined", [](ParamSchema<SramParams>& s) {
        s.add("capacity_bytes", &SramParams::capacity_bytes, "bytes", "total capacity").min(1);
        s.add("word_bytes", &SramParams::word_bytes, "bytes", "width of one bank access")
            .one_of({1, 2, 4, 8, 16, 32, 64, 128, 256});
        s.add("banks", &SramParams::banks, "", "independently addressed banks, word-interleaved")
            .range(1, 4096);
        s.add("ports_per_bank", &SramParams::ports_per_bank, "",
              "word accesses one bank can start per cycle")
            .range(1, 16);
        s.add("read_latency", &SramParams::read_latency, "cycles",
              "from the cycle a read starts to the cycle its data is usable")
            .range(1, 1024);
        s.add("write_latency", &SramParams::write_latency, "cycles",
              "from the cycle a write starts to the first cycle a read sees it")
            .range(1, 1024);
        s.rule([](const SramParams& p) -> std::string {
          const int64_t stripe = int64_t{p.word_bytes} * p.banks;
          if (stripe > 0 && p.capacity_bytes % stripe != 0)
            return "capacity_bytes must be a multiple of word_bytes * banks = " +
                   std::to_string(stripe);
          return "";
        });
        s.preset("tiny", "4 KiB, 4 banks of 4-byte words, for tests",
                 {.capacity_bytes = 4096, .word_bytes = 4, .banks = 4});
        s.preset("cbuf_512k", "512 KiB buffer: 16 banks of 64-byte words, 2-cycle reads",
                 {.capacity_bytes = 512 * 1024, .word_bytes = 64, .banks = 16, .read_latency = 2});
      });
  return schema;
}

SramTiming::SramTiming(const SramParams& p)
    : m_word_bytes(static_cast<uint64_t>(p.word_bytes)),
      m_ports(p.ports_per_bank),
      m_read_latency(static_cast<uint64_t>(p.read_latency)),
      m_write_latency(static_cast<uint64_t>(p.write_latency)) {
  SramParams::schema().validate(p);
  m_banks.resize(static_cast<size_t>(p.banks));
}

SramTiming::Result SramTiming::access(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes) {
  if (bytes == 0) throw std::invalid_argument("sram: a request of 0 bytes");
  if (cycle < m_last_issue)
    throw std::logic_error("sram: request at cycle " + std::to_string(cycle) +
                           " after one at cycle " + std::to_string(m_last_issue));
  m_last_issue = cycle;
  const uint64_t latency = op == MemOp::Read ? m_read_latency : m_write_latency;
  const uint64_t first = addr / m_word_bytes;
  const uint64_t last = (addr + bytes - 1) / m_word_bytes;
  Result r;
  r.timing = {cycle, cycle, cycle + latency};
  for (uint64_t w = first; w <= last; ++w) {
    Bank& bank = m_banks[w % m_banks.size()];
    // Requests arrive in cycle order and a bank serves its words in order, so the earliest
    // free port slot at or after `cycle` is in bank.cycle (if a port is left) or just after.
    if (cycle > bank.cycle) {
      bank.cycle = cycle;
      bank.used = 0;
    }
    if (bank.used == m_ports) {
      ++bank.cycle;
      bank.used = 0;
    }
    ++bank.used;
    const uint64_t start = bank.cycle;
    r.timing.start = std::max(r.timing.start, start);
    r.timing.done = std::max(r.timing.done, start + latency);
    ++r.words;
    if (start > cycle) ++r.conflicted_words;
  }
  return r;
}

}  // namespace qasim::sim
