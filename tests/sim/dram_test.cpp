#include "sim/dram.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include <systemc>
#include "mem_harness.h"
#include "sc_child.h"
#include "sim/mem_module.h"
#include "workloads/errors.h"

namespace qasim::sim {
namespace {

const ClockDomain k1GHz("core", 1000);

// One channel of 16 GB/s at 1 GHz = 16 bytes/cycle, latency 10, 64-byte bursts.
DramParams simple(int channels = 1, double gb_s = 16) {
  return {.capacity_bytes = 1 << 20,
          .channels = channels,
          .bandwidth_gb_s = gb_s,
          .latency_cycles = 10,
          .burst_bytes = 64};
}

TEST(Dram, BytesPerCycleIsExact) {
  const BytesPerCycle r = dram_bytes_per_cycle(simple(1, 25.6), k1GHz);
  EXPECT_EQ(r.num, 128u);  // 25.6 = 128/5
  EXPECT_EQ(r.den, 5u);
  const BytesPerCycle s = dram_bytes_per_cycle(simple(1, 12.8), ClockDomain("c", 800));
  EXPECT_EQ(s.num, 16u);
  EXPECT_EQ(s.den, 1u);
  EXPECT_THROW(dram_bytes_per_cycle(simple(1, 0.0001), k1GHz), workloads::InputError);
}

TEST(Dram, TransferTakesLatencyPlusBytesOverBandwidth) {
  // B = 256 bytes at W = 16 bytes/cycle, L = 10: done at L + ceil(B / W) = 26.
  Dram d("d", simple(), k1GHz);
  const MemTiming t = d.touch(0, MemOp::Read, 0, 256);
  EXPECT_EQ(t.done, 10u + 16u);
  EXPECT_EQ(d.stats().read_bursts.value(), 4u);
  EXPECT_EQ(d.stats().busy_cycles.value(), 16u);
  // The same from a later issue cycle, on an idle DRAM.
  EXPECT_EQ(d.touch(100, MemOp::Write, 512, 256).done, 100u + 10u + 16u);
}

TEST(Dram, FractionalBandwidthRoundsOnlyAtTheEnd) {
  // 25.6 bytes/cycle: 256 bytes take exactly 10 cycles; one 64-byte burst takes 2.5.
  Dram d("d", simple(1, 25.6), k1GHz);
  EXPECT_EQ(d.touch(0, MemOp::Read, 0, 256).done, 10u + 10u);
  Dram e("e", simple(1, 25.6), k1GHz);
  EXPECT_EQ(e.touch(0, MemOp::Read, 0, 64).done, 10u + 3u);  // ceil(2.5)
  // A second burst queued behind it ends at 10 + 5 exactly: no rounding drift.
  EXPECT_EQ(e.touch(0, MemOp::Read, 64, 64).done, 15u);
  // Busy cycles: [10, 12.5) touches cycles 10..12, [12.5, 15) adds 13 and 14.
  EXPECT_EQ(e.stats().busy_cycles.value(), 5u);
}

TEST(Dram, ChannelsInterleaveByBurst) {
  Dram d("d", simple(2), k1GHz);
  EXPECT_EQ(d.timing().channel_of(0), 0u);
  EXPECT_EQ(d.timing().channel_of(64), 1u);
  EXPECT_EQ(d.timing().channel_of(128), 0u);
  // 256 bytes: two bursts per channel, channels in parallel: L + 128 / 16.
  EXPECT_EQ(d.touch(0, MemOp::Read, 0, 256).done, 10u + 8u);
  EXPECT_EQ(d.stats().busy_cycles.value(), 16u);  // 8 per channel
}

TEST(Dram, RequestsQueueForBandwidthAndPipelineLatency) {
  Dram d("d", simple(), k1GHz);
  // Two one-burst reads at cycle 0: the bus moves the first in [10, 14), the second in [14, 18).
  EXPECT_EQ(d.touch(0, MemOp::Read, 0, 64).done, 14u);
  EXPECT_EQ(d.touch(0, MemOp::Read, 64, 64).done, 18u);
  // Issued at 2, ready at 12, but the bus is busy until 18: [18, 22).
  EXPECT_EQ(d.touch(2, MemOp::Read, 128, 64).done, 22u);
  // Issued at 20: ready at 30, the bus is free: latency is not serialised.
  EXPECT_EQ(d.touch(20, MemOp::Read, 192, 64).done, 34u);
  const DistributionValue lat = [&] {
    StatValue v;
    d.stats().latency.read(0, v);
    return v.dist;
  }();
  EXPECT_EQ(lat.count, 4u);
  EXPECT_EQ(lat.sum, 14u + 18u + 20u + 14u);
  EXPECT_EQ(lat.max, 20u);
}

TEST(Dram, PartialBurstsCostWholeBursts) {
  Dram d("d", simple(), k1GHz);
  EXPECT_EQ(d.touch(0, MemOp::Read, 63, 1).done, 14u);     // one burst
  EXPECT_EQ(d.touch(100, MemOp::Read, 63, 2).done, 118u);  // crosses into a second
  EXPECT_EQ(d.stats().read_bursts.value(), 3u);
  EXPECT_EQ(d.stats().read_bytes.value(), 3u);
}

TEST(Dram, RowBufferHitsAndMisses) {
  // 1 KiB rows, 2 banks: row r = addr / 1024 lives in bank r % 2. Hit 5, miss 20 cycles.
  DramParams p = simple();
  p.row_buffer = true;
  p.row_bytes = 1024;
  p.banks = 2;
  p.row_hit_latency = 5;
  p.row_miss_latency = 20;
  Dram d("d", p, k1GHz);
  EXPECT_EQ(d.touch(0, MemOp::Read, 0, 64).done, 0u + 20 + 4);         // opens row 0 (bank 0)
  EXPECT_EQ(d.touch(100, MemOp::Read, 64, 64).done, 100u + 5 + 4);     // row 0 open: hit
  EXPECT_EQ(d.touch(200, MemOp::Read, 2048, 64).done, 200u + 20 + 4);  // row 2, bank 0: miss
  EXPECT_EQ(d.touch(300, MemOp::Read, 64, 64).done, 300u + 20 + 4);    // row 0 was closed: miss
  EXPECT_EQ(d.touch(400, MemOp::Read, 1024, 64).done, 400u + 20 + 4);  // row 1, bank 1: miss
  EXPECT_EQ(d.touch(500, MemOp::Read, 1088, 64).done, 500u + 5 + 4);   // row 1 open: hit
  EXPECT_EQ(d.stats().row_hits.value(), 2u);
  EXPECT_EQ(d.stats().row_misses.value(), 4u);
}

TEST(Dram, RowsAreTrackedPerChannel) {
  // Two channels: burst g goes to channel g % 2 at channel address (g / 2) * 64. Bytes
  // 0..2047 fill channel 0's first row (1 KiB) and channel 1's.
  DramParams p = simple(2);
  p.row_buffer = true;
  p.row_bytes = 1024;
  p.row_hit_latency = 5;
  p.row_miss_latency = 20;
  Dram d("d", p, k1GHz);
  d.touch(0, MemOp::Read, 0, 2048);  // 32 bursts: 1 miss + 15 hits per channel
  EXPECT_EQ(d.stats().row_misses.value(), 2u);
  EXPECT_EQ(d.stats().row_hits.value(), 30u);
}

TEST(Dram, DataFlowsThroughAndFarAddressesAreCheap) {
  DramParams p = simple();
  p.capacity_bytes = int64_t{16} << 30;  // pages are allocated only when written
  Dram d("d", p, k1GHz);
  std::vector<uint8_t> in(300);
  std::iota(in.begin(), in.end(), uint8_t{0});
  const uint64_t far = (uint64_t{15} << 30) + 65530;  // crosses a page boundary
  d.write(0, far, in);
  std::vector<uint8_t> out(300);
  d.read(1, far, out);
  EXPECT_EQ(out, in);
  EXPECT_THROW(d.touch(2, MemOp::Read, uint64_t{16} << 30, 1), std::out_of_range);
  EXPECT_THROW(d.touch(0, MemOp::Read, 0, 1), std::logic_error);  // before the read at 1
}

TEST(Dram, WholeRequestTimingEqualsBurstByBurst) {
  // Without a row buffer a request is timed per channel in closed form; with a row buffer
  // whose hit and miss latencies equal the plain latency it is timed burst by burst. Both
  // must agree on random streams (odd bandwidths, channel counts, sizes, offsets).
  std::mt19937 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    DramParams closed = simple(1 << (rng() % 3), 1.0 + rng() % 40 / 10.0);
    closed.latency_cycles = static_cast<int>(rng() % 30);
    closed.burst_bytes = 16 << (rng() % 3);
    DramParams per_burst = closed;
    per_burst.row_buffer = true;
    per_burst.row_bytes = 1024;
    per_burst.row_hit_latency = per_burst.row_miss_latency = closed.latency_cycles;
    const BytesPerCycle rate = dram_bytes_per_cycle(closed, k1GHz);
    DramTiming a(closed, rate), b(per_burst, rate);
    uint64_t cycle = 0;
    for (int r = 0; r < 200; ++r) {
      cycle += rng() % 50;
      const uint64_t addr = rng() % 60000, bytes = 1 + rng() % 3000;
      const DramTiming::Result x = a.access(cycle, MemOp::Read, addr, bytes);
      const DramTiming::Result y = b.access(cycle, MemOp::Read, addr, bytes);
      ASSERT_EQ(x.timing.start, y.timing.start) << trial << " " << r;
      ASSERT_EQ(x.timing.done, y.timing.done) << trial << " " << r;
      ASSERT_EQ(x.bursts, y.bursts);
      ASSERT_EQ(x.busy_cycles, y.busy_cycles) << trial << " " << r;
    }
  }
}

TEST(Dram, ParamRules) {
  DramParams p = simple();
  p.row_buffer = true;
  p.row_bytes = 1000;  // not a multiple of 64
  EXPECT_THROW(Dram("d", p, k1GHz), workloads::InputError);
  p.row_bytes = 1024;
  p.row_hit_latency = 50;
  p.row_miss_latency = 20;
  EXPECT_THROW(Dram("d", p, k1GHz), workloads::InputError);
  for (const PresetInfo& preset : DramParams::schema().presets())
    EXPECT_TRUE(
        DramParams::schema().problems(DramParams::schema().preset_value(preset.name)).empty())
        << preset.name;
}

// Cycle mode against the plain model, with two channels, row buffers and a fractional rate.
TEST(Dram, ClockedModuleAgreesWithTimingModel) {
  DramParams p = simple(2, 25.6);
  p.capacity_bytes = 1 << 16;
  p.row_buffer = true;
  p.row_bytes = 512;
  p.banks = 2;
  p.row_hit_latency = 6;
  p.row_miss_latency = 18;
  const std::vector<testing::Scheduled> stream = testing::random_stream(7, 300, 2, 1 << 16, 300);

  Dram ref("dram", p, k1GHz);
  std::vector<uint64_t> expected = testing::play_direct(ref, stream);
  const size_t timed = expected.size();
  for (uint64_t c : testing::counters(ref.stats())) expected.push_back(c);
  std::vector<uint8_t> contents(1 << 16);
  ref.peek(0, contents);
  expected.push_back(testing::fnv1a(contents));

  const std::vector<uint64_t> got = testing::run_in_child([&] {
    sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
    Dram core("dram", p, k1GHz);
    MemoryModule mem("mem", core, 2, 64);
    testing::MemDriver driver("driver", mem, stream);
    mem.clk(clk);
    driver.clk(clk);
    testing::run_until_drained(driver, stream.size(), 1000000);
    std::vector<uint64_t> out = driver.seen;
    for (uint64_t c : testing::counters(core.stats())) out.push_back(c);
    std::vector<uint8_t> bytes(1 << 16);
    core.peek(0, bytes);
    out.push_back(testing::fnv1a(bytes));
    return out;
  });

  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < timed; ++i) EXPECT_EQ(got[i], expected[i]) << "entry " << i;
  EXPECT_EQ(std::vector<uint64_t>(got.begin() + timed, got.end()),
            std::vector<uint64_t>(expected.begin() + timed, expected.end()))
      << "stats and contents";
  EXPECT_GT(ref.stats().row_hits.value(), 0u);
  EXPECT_GT(ref.stats().row_misses.value(), 0u);
}

}  // namespace
}  // namespace qasim::sim
