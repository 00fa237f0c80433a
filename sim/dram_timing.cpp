#include "sim/dram_timing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "workloads/errors.h"

namespace qasim::sim {

const ParamSchema<DramParams>& DramParams::schema() {
  static const ParamSchema<DramParams> schema(
      "dram", "off-chip DRAM: channels, bandwidth, latency, bursts, optional row buffer",
      [](ParamSchema<DramParams>& s) {
        s.add("capacity_bytes", &DramParams::capacity_bytes, "bytes", "addressable bytes").min(1);
        s.add("channels", &DramParams::channels, "", "independent channels, burst-interleaved")
            .range(1, 64);
        s.add("bandwidth_gb_s", &DramParams::bandwidth_gb_s, "GB/s",
              "peak data rate of one channel (1 GB = 1e9 bytes), a whole number of MB/s")
            .min(0.001);
        s.add("latency_cycles", &DramParams::latency_cycles, "cycles",
              "from issue to the first data of a burst, without a row buffer")
            .range(0, 100000);
        s.add("burst_bytes", &DramParams::burst_bytes, "bytes", "smallest transfer")
            .one_of({8, 16, 32, 64, 128, 256});
        s.add("row_buffer", &DramParams::row_buffer, "", "model open rows (hits and misses)");
        s.add("row_bytes", &DramParams::row_bytes, "bytes", "row (page) size of one bank").min(8);
        s.add("banks", &DramParams::banks, "", "banks per channel, one open row each")
            .range(1, 256);
        s.add("row_hit_latency", &DramParams::row_hit_latency, "cycles",
              "issue to first data when the row is open")
            .range(0, 100000);
        s.add("row_miss_latency", &DramParams::row_miss_latency, "cycles",
              "issue to first data when another row must be opened")
            .range(0, 100000);
        s.rule([](const DramParams& p) -> std::string {
          const int64_t stripe = int64_t{p.burst_bytes} * p.channels;
          if (stripe > 0 && p.capacity_bytes % stripe != 0)
            return fmt::format("capacity_bytes must be a multiple of burst_bytes * channels = {}",
                               stripe);
          return "";
        });
        s.rule([](const DramParams& p) -> std::string {
          if (p.row_buffer && p.burst_bytes > 0 && p.row_bytes % p.burst_bytes != 0)
            return "row_bytes must be a multiple of burst_bytes";
          if (p.row_buffer && p.row_hit_latency > p.row_miss_latency)
            return "row_hit_latency must be <= row_miss_latency";
          return "";
        });
        s.preset("lpddr4_1ch", "one LPDDR4-3200 x32 channel, 100-cycle latency at 1 GHz",
                 {.capacity_bytes = int64_t{2} << 30, .bandwidth_gb_s = 12.8});
        s.preset("ddr4_2ch", "two DDR4-2400 channels with 8 KiB rows (cycles at 1 GHz)",
                 {.capacity_bytes = int64_t{8} << 30,
                  .channels = 2,
                  .bandwidth_gb_s = 19.2,
                  .row_buffer = true,
                  .row_bytes = 8192,
                  .banks = 16,
                  .row_hit_latency = 45,
                  .row_miss_latency = 75});
        s.preset("hbm2_8ch", "one HBM2 stack: 8 channels of 32 GB/s, 32-byte bursts",
                 {.capacity_bytes = int64_t{4} << 30,
                  .channels = 8,
                  .bandwidth_gb_s = 32,
                  .latency_cycles = 120,
                  .burst_bytes = 32});
      });
  return schema;
}

BytesPerCycle dram_bytes_per_cycle(const DramParams& p, const ClockDomain& clock) {
  const double mb_s = p.bandwidth_gb_s * 1000.0;
  if (!(mb_s >= 1) || std::fabs(mb_s - std::round(mb_s)) > 1e-6)
    throw workloads::InputError("dram", fmt::format("bandwidth_gb_s must be a positive whole "
                                                    "number of MB/s, got {} GB/s",
                                                    p.bandwidth_gb_s));
  // bytes/cycle = (MB/s * 1e6) / (kHz * 1e3) = MB/s * 1000 / kHz.
  const uint64_t num = static_cast<uint64_t>(std::llround(mb_s)) * 1000;
  const uint64_t den = clock.freq_khz();
  const uint64_t g = std::gcd(num, den);
  return {num / g, den / g};
}

namespace {

// Ticks rarely pass 2^64, and a 128-bit division costs several times a 64-bit one.
template <typename Tick>
uint64_t floor_cycles(Tick t, uint64_t per_cycle) {
  return (t >> 64) == 0 ? static_cast<uint64_t>(t) / per_cycle
                        : static_cast<uint64_t>(t / per_cycle);
}
template <typename Tick>
uint64_t ceil_cycles(Tick t, uint64_t per_cycle) {
  return floor_cycles(t + per_cycle - 1, per_cycle);
}

}  // namespace

DramTiming::DramTiming(const DramParams& p, BytesPerCycle rate)
    : m_params(p), m_rate(rate), m_burst(static_cast<uint64_t>(p.burst_bytes)) {
  DramParams::schema().validate(p);
  if (rate.num == 0 || rate.den == 0)
    throw std::invalid_argument("dram: bytes per cycle must be a positive fraction");
  m_channels.resize(static_cast<size_t>(p.channels));
  for (Channel& ch : m_channels) ch.open_row.assign(static_cast<size_t>(p.banks), -1);
}

uint64_t DramTiming::burst_latency(Channel& ch, uint64_t local_addr, Result& r) {
  if (!m_params.row_buffer) return static_cast<uint64_t>(m_params.latency_cycles);
  const uint64_t row = local_addr / static_cast<uint64_t>(m_params.row_bytes);
  int64_t& open = ch.open_row[row % ch.open_row.size()];
  if (open == static_cast<int64_t>(row)) {
    ++r.row_hits;
    return static_cast<uint64_t>(m_params.row_hit_latency);
  }
  open = static_cast<int64_t>(row);
  ++r.row_misses;
  return static_cast<uint64_t>(m_params.row_miss_latency);
}

DramTiming::Result DramTiming::access(uint64_t cycle, MemOp, uint64_t addr, uint64_t bytes) {
  if (bytes == 0) throw std::invalid_argument("dram: a request of 0 bytes");
  if (cycle < m_last_issue)
    throw std::logic_error(
        fmt::format("dram: request at cycle {} after one at cycle {}", cycle, m_last_issue));
  m_last_issue = cycle;
  const uint64_t per_cycle = m_rate.num;
  const Tick burst_ticks = static_cast<Tick>(m_burst) * m_rate.den;
  const uint64_t channels = m_channels.size();
  Result r;
  r.timing = {cycle, cycle, cycle};
  Tick last_end = 0;
  if (!m_params.row_buffer) {
    // Every burst waits the same latency, so a channel's share of the request (bursts k,
    // k + C, k + 2C, ...) runs back to back from its first start: the per-burst rule below
    // in closed form, one step per channel instead of one per burst.
    const uint64_t first_g = addr / m_burst, n = (addr + bytes - 1) / m_burst - first_g + 1;
    const Tick ready = static_cast<Tick>(cycle + m_params.latency_cycles) * per_cycle;
    for (uint64_t k = 0; k < std::min<uint64_t>(n, channels); ++k) {
      Channel& ch = m_channels[(first_g + k) % channels];
      const uint64_t share = (n - k + channels - 1) / channels;
      const Tick start = std::max(ready, ch.free_at);
      const Tick end = start + static_cast<Tick>(share) * burst_ticks;
      ch.free_at = end;
      const uint64_t first = floor_cycles(start, per_cycle);
      const uint64_t past = ceil_cycles(end, per_cycle);
      const uint64_t from = std::max(first, ch.busy_until);
      if (past > from) r.busy_cycles += past - from;
      ch.busy_until = std::max(ch.busy_until, past);
      r.timing.start =
          std::max(r.timing.start, floor_cycles(end - burst_ticks, per_cycle));
      last_end = std::max(last_end, end);
    }
    r.bursts = n;
    r.timing.done = ceil_cycles(last_end, per_cycle);
    return r;
  }
  for (uint64_t g = addr / m_burst; g <= (addr + bytes - 1) / m_burst; ++g) {
    Channel& ch = m_channels[g % channels];
    const uint64_t local = (g / channels) * m_burst;
    const uint64_t latency = burst_latency(ch, local, r);
    const Tick start = std::max(static_cast<Tick>(cycle + latency) * per_cycle, ch.free_at);
    const Tick end = start + burst_ticks;
    ch.free_at = end;
    // Busy cycles: [floor(start), ceil(end)) in cycles, less what an earlier burst counted.
    const uint64_t first = floor_cycles(start, per_cycle);
    const uint64_t past = ceil_cycles(end, per_cycle);
    const uint64_t from = std::max(first, ch.busy_until);
    if (past > from) r.busy_cycles += past - from;
    ch.busy_until = std::max(ch.busy_until, past);
    r.timing.start = std::max(r.timing.start, first);
    last_end = std::max(last_end, end);
    ++r.bursts;
  }
  r.timing.done = ceil_cycles(last_end, per_cycle);
  return r;
}

}  // namespace qasim::sim
