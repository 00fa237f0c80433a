// An SRAM: params and timing (sim/sram_timing.h), a functional byte store, and stats. This
// plain C++ core is what both modes use: a fast model calls it directly; the clocked
// wrapper (sim/mem_module.h) calls it from a clock edge.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/byte_store.h"
#include "sim/sram_timing.h"
#include "sim/stats.h"

namespace qasim::sim {

struct SramStats : StatGroup {
  using StatGroup::StatGroup;
  Counter reads{*this, "reads", "requests", "read requests"};
  Counter writes{*this, "writes", "requests", "write requests"};
  Counter read_bytes{*this, "read_bytes", "bytes", "bytes returned by reads"};
  Counter write_bytes{*this, "write_bytes", "bytes", "bytes stored by writes"};
  Counter read_words{*this, "read_words", "accesses", "bank word reads (what reads cost)"};
  Counter write_words{*this, "write_words", "accesses", "bank word writes (what writes cost)"};
  Counter bank_conflicts{*this, "bank_conflicts", "accesses",
                         "word accesses that waited for a bank port"};
  Counter conflict_stall_cycles{*this, "conflict_stall_cycles", "cycles",
                                "sum over requests of the delay bank conflicts added"};
};

// What a cost model needs to size an SRAM (area, leakage, energy per access).
struct SramInventory {
  std::string name;
  uint64_t capacity_bytes;
  uint32_t word_bytes;
  uint32_t banks;
  uint32_t ports_per_bank;
};

class Sram final : public Memory {
 public:
  // Validates `p` (InputError). The stats join `stats_parent` as a group called `name`.
  Sram(std::string name, const SramParams& p, StatGroup* stats_parent = nullptr);

  // Timed accesses: data moves now (in issue order); the returned timing says when the
  // hardware would have it. Reads must not be issued before a write to the same bytes is
  // done (see SramTiming) - the caller's schedule guarantees that, as real hardware's does.
  MemTiming read(uint64_t cycle, uint64_t addr, std::span<uint8_t> out) override;
  MemTiming write(uint64_t cycle, uint64_t addr, std::span<const uint8_t> data) override;
  // Timing and stats without moving data, for fast models that carry the data themselves.
  MemTiming touch(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes);

  // Untimed, uncounted access: initial contents and checking results.
  void load(uint64_t addr, std::span<const uint8_t> data) { m_store.write(addr, data); }
  void peek(uint64_t addr, std::span<uint8_t> out) const { m_store.read(addr, out); }

  const std::string& name() const override { return m_name; }
  const SramParams& params() const { return m_params; }
  const SramStats& stats() const { return m_stats; }
  SramStats& stats() { return m_stats; }
  const SramTiming& timing() const { return m_timing; }
  SramInventory inventory() const;

 private:
  std::string m_name;
  SramParams m_params;
  SramTiming m_timing;
  ByteStore m_store;
  SramStats m_stats;
};

}  // namespace qasim::sim
