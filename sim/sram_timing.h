// SRAM params and the timing rules every SRAM model (cycle or fast) goes through.
//
// Timing rules:
// - Address mapping: byte address a lies in word w = a / word_bytes; word w lies in bank
//   w % banks (low-order interleaving: consecutive words go to consecutive banks) at row
//   w / banks of that bank.
// - A request covers every word that overlaps [addr, addr + bytes); partial words cost a
//   whole word access.
// - Each bank has ports_per_bank ports. A port starts one word access per cycle, read or
//   write, and is pipelined: it can start another in the next cycle whatever the latency.
// - Word accesses to one bank start in the order they were requested, each at the earliest
//   cycle >= its issue cycle at which a port of the bank is free. Words of one request go to
//   their banks in parallel; two words of a request in the same bank are a conflict too.
// - A read word started at cycle s delivers its data at s + read_latency; a write word
//   started at s can be read by a read starting at s + write_latency. A request is done
//   when its last word is: done = max(start + latency) over its words.
// - The conflict stall of a request is (start of its last word) - (issue cycle); a word is
//   conflicted when it starts after the issue cycle.
// - Requests are presented in nondecreasing issue cycle; within one cycle, the order of the
//   calls is the arbitration priority (earlier call wins the port).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/mem_types.h"
#include "sim/params.h"

namespace qasim::sim {

struct SramParams {
  int64_t capacity_bytes = 128 * 1024;
  int word_bytes = 8;
  int banks = 8;
  int ports_per_bank = 1;
  int read_latency = 1;
  int write_latency = 1;

  // Fields, ranges, presets ("tiny", "cbuf_512k") and the capacity rule.
  static const ParamSchema<SramParams>& schema();
};

class SramTiming {
 public:
  // Validates `p` (InputError).
  explicit SramTiming(const SramParams& p);

  struct Result {
    MemTiming timing;
    uint64_t words = 0;             // word accesses made
    uint64_t conflicted_words = 0;  // of which started after the issue cycle
  };
  // Times one request. std::logic_error when `cycle` is below a previous request's cycle;
  // std::invalid_argument when bytes == 0.
  Result access(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes);

  uint64_t bank_of(uint64_t addr) const { return (addr / m_word_bytes) % m_banks.size(); }
  uint64_t row_of(uint64_t addr) const { return (addr / m_word_bytes) / m_banks.size(); }

 private:
  struct Bank {
    uint64_t cycle = 0;  // latest cycle holding a reservation; every earlier cycle from the
                         // oldest pending request on is full
    int used = 0;        // ports taken in `cycle`
  };
  uint64_t m_word_bytes;
  int m_ports;
  uint64_t m_read_latency;
  uint64_t m_write_latency;
  std::vector<Bank> m_banks;
  uint64_t m_last_issue = 0;
};

}  // namespace qasim::sim
