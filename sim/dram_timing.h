// DRAM params and the timing rules every DRAM model (cycle or fast) goes through. A
// first-order model: bandwidth, latency, bursts, channels and optionally open rows; no
// refresh, no bank timing beyond the row buffer, no read/write turnaround.
//
// Timing rules (cycles are those of the clock the DRAM is attached to):
// - Bandwidth: each channel moves R = bandwidth_gb_s * 1e9 / (clock_hz) bytes per cycle, kept
//   as an exact fraction (25.6 GB/s at 1 GHz is 128/5 bytes per cycle).
// - Bursts: a request covers the burst_bytes-aligned bursts overlapping [addr, addr + bytes);
//   a partial burst moves (and costs) a whole burst.
// - Channels: burst g = addr / burst_bytes goes to channel g % channels (interleaved at burst
//   granularity); its address within that channel is (g / channels) * burst_bytes + offset.
// - Row buffer (when row_buffer is on): the channel address lies in row r = addr / row_bytes,
//   held by bank r % banks; each bank keeps its last row open. A burst to the open row is a
//   hit (latency row_hit_latency), otherwise a miss (row_miss_latency) that opens its row.
//   Without a row buffer every burst has latency latency_cycles.
// - Queueing: a channel moves its bursts in the order they were requested, one at a time.
//   Latency is pipelined: a burst issued at cycle t starts moving data at
//   max(t + latency, the time the channel finished the previous burst) and takes
//   burst_bytes / R cycles (fractional times are kept exactly).
// - A request is done at the first cycle at or after the end of its last burst; with one
//   channel, aligned bursts and an idle DRAM, B bytes take latency + ceil(B / R) cycles.
// - busy_cycles: for each channel, the cycles during which it moved at least part of a burst.
// - Requests are presented in nondecreasing issue cycle; within a cycle, call order is the
//   order the channels serve them in.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/clock.h"
#include "sim/mem_types.h"
#include "sim/params.h"

namespace qasim::sim {

struct DramParams {
  int64_t capacity_bytes = int64_t{1} << 30;
  int channels = 1;
  double bandwidth_gb_s = 12.8;
  int latency_cycles = 100;
  int burst_bytes = 64;
  bool row_buffer = false;
  int row_bytes = 2048;
  int banks = 8;
  int row_hit_latency = 40;
  int row_miss_latency = 100;

  // Fields, ranges, presets ("lpddr4_1ch", "ddr4_2ch", "hbm2_8ch") and rules.
  static const ParamSchema<DramParams>& schema();
};

// An exact rate: num / den bytes per cycle.
struct BytesPerCycle {
  uint64_t num;
  uint64_t den;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
};

// Per-channel bytes per cycle of `p` at `clock`; InputError unless bandwidth_gb_s is a whole
// number of MB/s.
BytesPerCycle dram_bytes_per_cycle(const DramParams& p, const ClockDomain& clock);

class DramTiming {
 public:
  // Validates `p` (InputError); `rate` is bytes per cycle per channel.
  DramTiming(const DramParams& p, BytesPerCycle rate);

  struct Result {
    MemTiming timing;
    uint64_t bursts = 0;
    uint64_t row_hits = 0;
    uint64_t row_misses = 0;
    uint64_t busy_cycles = 0;  // channel busy cycles this request added
  };
  // Times one request; std::logic_error when `cycle` is below a previous request's cycle,
  // std::invalid_argument when bytes == 0.
  Result access(uint64_t cycle, MemOp op, uint64_t addr, uint64_t bytes);

  const BytesPerCycle& rate() const { return m_rate; }
  uint64_t channel_of(uint64_t addr) const { return (addr / m_burst) % m_channels.size(); }

 private:
  // Time in ticks: one cycle is rate.num ticks, so a burst takes burst_bytes * rate.den ticks
  // exactly. 128 bits: cycles times rate.num can pass 2^64.
  using Tick = unsigned __int128;
  struct Channel {
    Tick free_at = 0;               // when the channel finishes its last burst
    uint64_t busy_until = 0;        // cycles before this are already counted as busy
    std::vector<int64_t> open_row;  // per bank; -1 when closed
  };
  // Latency of a burst at `local_addr` of channel `ch`; counts the row hit or miss into `r`.
  uint64_t burst_latency(Channel& ch, uint64_t local_addr, Result& r);

  DramParams m_params;
  BytesPerCycle m_rate;
  uint64_t m_burst;
  std::vector<Channel> m_channels;
  uint64_t m_last_issue = 0;
};

}  // namespace qasim::sim
