#include "sim/sram.h"

#include <gtest/gtest.h>

#include <numeric>
#include <systemc>

#include "endpoint.h"
#include "mem_harness.h"
#include "sc_child.h"
#include "sim/mem_module.h"

namespace qasim::sim {
namespace {

// 4 banks of 4-byte words: word w = addr / 4 is in bank w % 4, so addresses 0, 16, 32...
// are all in bank 0 and addresses 0, 4, 8, 12 are in banks 0, 1, 2, 3.
SramParams small(int ports = 1, int read_latency = 3, int write_latency = 2) {
  return {.capacity_bytes = 1024,
          .word_bytes = 4,
          .banks = 4,
          .ports_per_bank = ports,
          .read_latency = read_latency,
          .write_latency = write_latency};
}

TEST(Sram, AddressMapping) {
  SramTiming t(small());
  EXPECT_EQ(t.bank_of(0), 0u);
  EXPECT_EQ(t.bank_of(4), 1u);
  EXPECT_EQ(t.bank_of(15), 3u);
  EXPECT_EQ(t.bank_of(16), 0u);
  EXPECT_EQ(t.row_of(16), 1u);
  EXPECT_EQ(t.row_of(15), 0u);
}

TEST(Sram, ReadsIssuedOnePerCycleToOneBankNeverConflict) {
  Sram s("s", small());
  for (uint64_t k = 0; k < 5; ++k) {
    const MemTiming t = s.touch(k, MemOp::Read, 16 * k, 4);
    EXPECT_EQ(t.start, k);
    EXPECT_EQ(t.done, k + 3);  // read latency 3
  }
  EXPECT_EQ(s.stats().bank_conflicts.value(), 0u);
  EXPECT_EQ(s.stats().conflict_stall_cycles.value(), 0u);
}

TEST(Sram, SameCycleReadsToOneBankSerialise) {
  // N reads to bank 0 at cycle 0 with one port: read k starts at k and is done at k + L.
  const uint64_t n = 6, latency = 3;
  Sram s("s", small());
  for (uint64_t k = 0; k < n; ++k) {
    const MemTiming t = s.touch(0, MemOp::Read, 16 * k, 4);
    EXPECT_EQ(t.start, k);
    EXPECT_EQ(t.done, k + latency);
  }
  EXPECT_EQ(s.stats().bank_conflicts.value(), n - 1);
  EXPECT_EQ(s.stats().conflict_stall_cycles.value(), n * (n - 1) / 2);  // 0 + 1 + ... + (n-1)
}

TEST(Sram, TwoSameBankAccessesInACycleCostOneStall) {
  Sram one("one", small(1));
  one.touch(7, MemOp::Read, 0, 4);
  const MemTiming second = one.touch(7, MemOp::Read, 32, 4);
  EXPECT_EQ(second.done, 7 + 1 + 3u);
  EXPECT_EQ(one.stats().conflict_stall_cycles.value(), 1u);
  EXPECT_EQ(one.stats().bank_conflicts.value(), 1u);

  Sram two("two", small(2));  // a second port takes it in the same cycle
  two.touch(7, MemOp::Read, 0, 4);
  EXPECT_EQ(two.touch(7, MemOp::Read, 32, 4).done, 7 + 3u);
  EXPECT_EQ(two.touch(7, MemOp::Read, 48, 4).done, 8 + 3u);  // a third waits a cycle
  EXPECT_EQ(two.stats().conflict_stall_cycles.value(), 1u);

  Sram banks("banks", small(1));  // different banks never conflict
  banks.touch(7, MemOp::Read, 0, 4);
  EXPECT_EQ(banks.touch(7, MemOp::Read, 4, 4).done, 7 + 3u);
  EXPECT_EQ(banks.stats().conflict_stall_cycles.value(), 0u);
}

TEST(Sram, WideRequestsSpreadOverBanks) {
  Sram s("s", small());
  // 16 bytes: words 0..3, one per bank, all start at once.
  MemTiming t = s.touch(0, MemOp::Read, 0, 16);
  EXPECT_EQ(t.start, 0u);
  EXPECT_EQ(t.done, 3u);
  // 32 bytes at cycle 10: words 0..7, two per bank: the second of each starts at 11.
  t = s.touch(10, MemOp::Read, 0, 32);
  EXPECT_EQ(t.start, 11u);
  EXPECT_EQ(t.done, 14u);
  EXPECT_EQ(s.stats().read_words.value(), 4u + 8u);
  EXPECT_EQ(s.stats().bank_conflicts.value(), 4u);
  EXPECT_EQ(s.stats().conflict_stall_cycles.value(), 1u);
  // 4 unaligned bytes at address 2 touch words 0 and 1.
  s.touch(20, MemOp::Read, 2, 4);
  EXPECT_EQ(s.stats().read_words.value(), 14u);
  EXPECT_EQ(s.stats().read_bytes.value(), 16u + 32u + 4u);
}

TEST(Sram, BacklogsDrainInOrderAndIdleBanksRestart) {
  Sram s("s", small());
  for (int k = 0; k < 3; ++k) s.touch(0, MemOp::Read, 0, 4);  // bank 0 busy at 0, 1, 2
  // At cycle 1 a fourth read to bank 0 queues behind the backlog: starts at 3, stall 2.
  MemTiming t = s.touch(1, MemOp::Read, 16, 4);
  EXPECT_EQ(t.start, 3u);
  EXPECT_EQ(t.done, 6u);
  // Much later the bank is idle again: no stall.
  t = s.touch(10, MemOp::Read, 16, 4);
  EXPECT_EQ(t.start, 10u);
  EXPECT_EQ(s.stats().conflict_stall_cycles.value(), 0u + 1 + 2 + 2 + 0);
}

TEST(Sram, WritesUseTheWriteLatency) {
  Sram s("s", small(1, 3, 2));
  EXPECT_EQ(s.touch(4, MemOp::Write, 0, 4).done, 6u);
  // A read in the same cycle to the same bank shares the port: it waits one cycle.
  EXPECT_EQ(s.touch(4, MemOp::Read, 16, 4).done, 8u);
  EXPECT_EQ(s.stats().writes.value(), 1u);
  EXPECT_EQ(s.stats().write_words.value(), 1u);
}

TEST(Sram, DataFlowsThrough) {
  Sram s("s", small());
  std::vector<uint8_t> in(37);
  std::iota(in.begin(), in.end(), uint8_t{1});
  s.write(0, 101, in);
  std::vector<uint8_t> out(37);
  s.read(5, 101, out);
  EXPECT_EQ(out, in);
  std::vector<uint8_t> untouched(3);
  s.peek(1000, untouched);
  EXPECT_EQ(untouched, (std::vector<uint8_t>{0, 0, 0}));
  s.load(1021, std::vector<uint8_t>{9, 8, 7});
  s.peek(1021, untouched);
  EXPECT_EQ(untouched, (std::vector<uint8_t>{9, 8, 7}));
}

TEST(Sram, MisuseIsRejected) {
  Sram s("s", small());
  s.touch(5, MemOp::Read, 0, 4);
  EXPECT_THROW(s.touch(4, MemOp::Read, 0, 4), std::logic_error);  // time went backwards
  EXPECT_THROW(s.touch(6, MemOp::Read, 1022, 4), std::out_of_range);
  EXPECT_THROW(s.touch(6, MemOp::Read, 0, 0), std::invalid_argument);
}

TEST(Sram, Inventory) {
  const Sram s("cbuf", SramParams::schema().preset_value("cbuf_512k"));
  const SramInventory inv = s.inventory();
  EXPECT_EQ(inv.name, "cbuf");
  EXPECT_EQ(inv.capacity_bytes, 512u * 1024);
  EXPECT_EQ(inv.word_bytes, 64u);
  EXPECT_EQ(inv.banks, 16u);
  EXPECT_EQ(inv.ports_per_bank, 1u);
}

// Cycle mode against the plain model: a 2-port MemoryModule stepped clock by clock reports
// the same done cycles, data and stats as the core called directly, for random streams.
TEST(Sram, ClockedModuleAgreesWithTimingModel) {
  const SramParams p = small(1, 2, 1);
  const std::vector<testing::Scheduled> stream = testing::random_stream(42, 400, 2, 1024, 24);

  Sram ref("sram", p);
  const std::vector<uint64_t> expected_seen = testing::play_direct(ref, stream);
  std::vector<uint8_t> ref_contents(1024);
  ref.peek(0, ref_contents);

  const std::vector<uint64_t> got = testing::run_in_child([&] {
    sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
    Sram core("sram", p);
    MemoryModule mem("mem", core, 2, 16);
    testing::MemDriver driver("driver", mem, stream);
    mem.clk(clk);
    driver.clk(clk);
    testing::run_until_drained(driver, stream.size(), 100000);
    std::vector<uint64_t> out = driver.seen;
    for (uint64_t c : testing::counters(core.stats())) out.push_back(c);
    std::vector<uint8_t> contents(1024);
    core.peek(0, contents);
    out.push_back(testing::fnv1a(contents));
    // Responses never backed up (the driver drains every edge).
    for (size_t port = 0; port < 2; ++port)
      out.push_back(mem.response(port).stats().stall_cycles.value());
    return out;
  });

  std::vector<uint64_t> expected = expected_seen;
  for (uint64_t c : testing::counters(ref.stats())) expected.push_back(c);
  expected.push_back(testing::fnv1a(ref_contents));
  expected.push_back(0);
  expected.push_back(0);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t tag = 0; tag < stream.size(); ++tag) {
    EXPECT_EQ(got[2 * tag], expected[2 * tag]) << "done cycle of request " << tag;
    EXPECT_EQ(got[2 * tag + 1], expected[2 * tag + 1]) << "data of request " << tag;
  }
  EXPECT_EQ(std::vector<uint64_t>(got.begin() + 2 * stream.size(), got.end()),
            std::vector<uint64_t>(expected.begin() + 2 * stream.size(), expected.end()))
      << "stats, contents and response stalls";
  EXPECT_GT(ref.stats().bank_conflicts.value(), 0u) << "the stream should exercise conflicts";
}

// Response back-pressure, derived from the module and channel rules. One port, read
// latency 1, request and response channels of depth 1; reads pushed at edges 0, 2, 4 are
// accepted at 1, 3, 5 and done at 2, 4, 6, so the module offers their responses at 1, 3, 5.
// The consumer takes one response per edge from edge 10 on:
// - first: pushed at 1, popped at 10 (its slot frees at 11);
// - second: offered from 3, pushed at 11, popped at 12;
// - third: offered from 5, finds the slot taken at 11 and 12, pushed at 13, popped at 14.
// The response channel stalls at every edge from 3 to 12: 10 cycles.
TEST(Sram, ResponseBackPressureDelaysDelivery) {
  const std::vector<uint64_t> got = testing::run_in_child([] {
    sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
    Sram core("sram", small(1, 1, 1));
    MemoryModule mem("mem", core, 1, 1);
    std::vector<uint64_t> seen;
    testing::Endpoint producer("producer", [&](uint64_t c) {
      if (c <= 4 && c % 2 == 0) mem.request(0).push({.tag = c / 2, .addr = 4 * c, .bytes = 4});
    });
    testing::Endpoint consumer("consumer", [&](uint64_t c) {
      if (c >= 10 && mem.response(0).valid()) {
        seen.push_back(mem.response(0).pop().tag);
        seen.push_back(c);
      }
    });
    mem.clk(clk);
    producer.clk(clk);
    consumer.clk(clk);
    sc_core::sc_start(20, sc_core::SC_NS);
    seen.push_back(mem.response(0).stats().stall_cycles.value());
    return seen;
  });
  EXPECT_EQ(got, (std::vector<uint64_t>{0, 10, 1, 12, 2, 14, 10}));
}

}  // namespace
}  // namespace qasim::sim
