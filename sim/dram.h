// A DRAM: params and timing (sim/dram_timing.h), a functional byte store (pages allocated
// on first write), and stats. Both modes use this plain C++ core: a fast model calls it
// directly; the clocked wrapper (sim/mem_module.h) calls it from a clock edge.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/byte_store.h"
#include "sim/clock.h"
#include "sim/dram_timing.h"
#include "sim/stats.h"

namespace qasim::sim {

struct DramStats : StatGroup {
  using StatGroup::StatGroup;
  Counter reads{*this, "reads", "requests", "read requests"};
  Counter writes{*this, "writes", "requests", "write requests"};
  Counter read_bytes{*this, "read_bytes", "bytes", "bytes requested by reads"};
  Counter write_bytes{*this, "write_bytes", "bytes", "bytes requested by writes"};
  Counter read_bursts{*this, "read_bursts", "bursts", "bursts moved for reads (what reads cost)"};
  Counter write_bursts{*this, "write_bursts", "bursts", "bursts moved for writes"};
  Counter row_hits{*this, "row_hits", "bursts", "bursts to an open row (row buffer on)"};
  Counter row_misses{*this, "row_misses", "bursts", "bursts that opened a row (row buffer on)"};
  Counter busy_cycles{*this, "busy_cycles", "channel-cycles",
                      "sum over channels of cycles spent moving data"};
  Distribution latency{*this, "latency", "cycles", "request latency: done - issue", 0, 16, 64};
};

class Dram final : public Memory {
 public:
  // Validates `p` (InputError); cycles are those of `clock`. The stats join `stats_parent`
  // as a group called `name`.
  Dram(std::string name, const DramParams& p, const ClockDomain& clock,
       StatGroup* stats_parent = nullptr);

  // Timed accesses: data moves now (in issue order); the returned timing says when the
  // hardware would have it.
  MemTiming read(uint64_t cycle, uint64_t addr, std::span<uint8_t> out) override;
  MemTiming write(uint64_t cycle, uint64_t addr, std::span<const uint8_t> data) override;
  // Timing and stats without moving data, for fast models that carry the data themselves.
  MemTiming touch(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes);

  // Untimed, uncounted access: initial contents (weights, inputs) and checking results.
  void load(uint64_t addr, std::span<const uint8_t> data) { m_store.write(addr, data); }
  void peek(uint64_t addr, std::span<uint8_t> out) const { m_store.read(addr, out); }

  const std::string& name() const override { return m_name; }
  const DramParams& params() const { return m_params; }
  const DramStats& stats() const { return m_stats; }
  DramStats& stats() { return m_stats; }
  const DramTiming& timing() const { return m_timing; }

 private:
  std::string m_name;
  DramParams m_params;
  DramTiming m_timing;
  ByteStore m_store;
  DramStats m_stats;
};

}  // namespace qasim::sim
