#include "sim/dma.h"

#include <gtest/gtest.h>

#include <random>

#include <systemc>
#include "mem_harness.h"
#include "sc_child.h"
#include "sim/dma_module.h"
#include "sim/dram.h"
#include "sim/sram.h"

namespace qasim::sim {
namespace {

const ClockDomain k1GHz("core", 1000);

// DRAM: one channel of 16 bytes/cycle, latency 10, 64-byte bursts. SRAM: 8 banks of 8-byte
// words, one port, 1-cycle reads and writes (a 64-byte access touches every bank once).
DramParams dram_params() {
  return {.capacity_bytes = 1 << 20, .bandwidth_gb_s = 16, .latency_cycles = 10, .burst_bytes = 64};
}
SramParams sram_params() {
  return {.capacity_bytes = 1 << 16,
          .word_bytes = 8,
          .banks = 8,
          .read_latency = 1,
          .write_latency = 1};
}

struct Rig {
  explicit Rig(DmaParams p = {.max_request_bytes = 64, .max_outstanding = 4})
      : dram("dram", dram_params(), k1GHz), sram("sram", sram_params()), dma("dma", p, dram, sram) {
    std::vector<uint8_t> bytes(4096);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 + 3);
    dram.load(0, bytes);
  }
  uint8_t dram_at(uint64_t a) const {
    uint8_t b;
    dram.peek(a, {&b, 1});
    return b;
  }
  uint8_t sram_at(uint64_t a) const {
    uint8_t b;
    sram.peek(a, {&b, 1});
    return b;
  }
  Dram dram;
  Sram sram;
  DmaEngine dma;
};

DmaTransfer contiguous_load(uint64_t bytes) {
  return {.row_bytes = bytes};
}

TEST(Dma, ContiguousLoadIsBandwidthBound) {
  // 4 chunks of 64 bytes, read at 0..3; DRAM moves them in [10,14) ... [22,26): the last
  // read is done at L + ceil(256 / 16) = 26; its SRAM write starts at 26, done at 27.
  Rig rig;
  EXPECT_EQ(rig.dma.run(contiguous_load(256), 0), 27u);
  EXPECT_EQ(rig.dma.stats().chunks.value(), 4u);
  EXPECT_EQ(rig.dma.stats().busy_cycles.value(), 27u);
  EXPECT_EQ(rig.dma.stats().slot_stall_cycles.value(), 0u);
  EXPECT_EQ(rig.dram.stats().read_bursts.value(), 4u);
  EXPECT_EQ(rig.sram.stats().writes.value(), 4u);
  EXPECT_EQ(rig.sram.stats().bank_conflicts.value(), 0u);
  for (uint64_t a = 0; a < 256; ++a) ASSERT_EQ(rig.sram_at(a), rig.dram_at(a)) << a;
}

TEST(Dma, OutstandingLimitSerialisesChunks) {
  // One slot: chunk i+1 reads the cycle after chunk i's write issues.
  // r = 0, 15, 30, 45; reads done 14, 29, 44, 59; the last write is done at 60.
  Rig rig({.max_request_bytes = 64, .max_outstanding = 1});
  EXPECT_EQ(rig.dma.run(contiguous_load(256), 0), 60u);
  EXPECT_EQ(rig.dma.stats().slot_stall_cycles.value(), 3u * 14u);
}

TEST(Dma, SetupCyclesDelayTheFirstRead) {
  Rig rig({.max_request_bytes = 64, .max_outstanding = 4, .setup_cycles = 5});
  EXPECT_EQ(rig.dma.run(contiguous_load(64), 100), 100u + 5 + 10 + 4 + 1);
}

TEST(Dma, StoreReadsSramAndWritesDram) {
  // SRAM reads at 0 and 1 are done at 1 and 2; DRAM writes issued at 1 and 2 move data in
  // [11,15) and [15,19).
  Rig rig;
  std::vector<uint8_t> src(128);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(200 - i);
  rig.sram.load(512, src);
  const DmaTransfer t{
      .direction = DmaDirection::Store, .dram_addr = 8192, .sram_addr = 512, .row_bytes = 128};
  EXPECT_EQ(rig.dma.run(t, 0), 19u);
  for (uint64_t i = 0; i < 128; ++i) ASSERT_EQ(rig.dram_at(8192 + i), src[i]) << i;
  EXPECT_EQ(rig.dram.stats().write_bursts.value(), 2u);
}

TEST(Dma, TwoDimensionalGatherCutsAtRequestBoundaries) {
  // 4 rows of 16 bytes, 56 bytes apart in DRAM, packed in SRAM. Row 1 (56..71) crosses the
  // 64-byte request boundary, so it is 2 chunks: 5 chunks, each in one DRAM burst.
  Rig rig;
  const DmaTransfer t{.dram_addr = 0,
                      .sram_addr = 1024,
                      .row_bytes = 16,
                      .rows = 4,
                      .dram_row_stride = 56,
                      .sram_row_stride = 16};
  rig.dma.run(t, 0);
  EXPECT_EQ(rig.dma.stats().chunks.value(), 5u);
  EXPECT_EQ(rig.dram.stats().read_bursts.value(), 5u);
  for (uint64_t r = 0; r < 4; ++r)
    for (uint64_t j = 0; j < 16; ++j)
      ASSERT_EQ(rig.sram_at(1024 + 16 * r + j), rig.dram_at(56 * r + j)) << r << "," << j;
}

TEST(Dma, ThreeDimensionalAndNegativeStrides) {
  Rig rig;
  const DmaTransfer load{.dram_addr = 100,
                         .sram_addr = 0,
                         .row_bytes = 8,
                         .rows = 2,
                         .planes = 3,
                         .dram_row_stride = 100,
                         .dram_plane_stride = 1000,
                         .sram_row_stride = 8,
                         .sram_plane_stride = 16};
  const uint64_t done = rig.dma.run(load, 0);
  for (uint64_t p = 0; p < 3; ++p)
    for (uint64_t r = 0; r < 2; ++r)
      for (uint64_t j = 0; j < 8; ++j)
        ASSERT_EQ(rig.sram_at(16 * p + 8 * r + j), rig.dram_at(100 + 1000 * p + 100 * r + j));
  // Store the first 3 rows back in reverse row order: rows at DRAM 20000, 19900, 19800.
  const DmaTransfer store{.direction = DmaDirection::Store,
                          .dram_addr = 20000,
                          .sram_addr = 0,
                          .row_bytes = 8,
                          .rows = 3,
                          .dram_row_stride = -100,
                          .sram_row_stride = 8};
  rig.dma.run(store, done);
  for (uint64_t r = 0; r < 3; ++r)
    for (uint64_t j = 0; j < 8; ++j)
      ASSERT_EQ(rig.dram_at(20000 - 100 * r + j), rig.sram_at(8 * r + j));
}

TEST(Dma, OneTransferAtATime) {
  Rig rig;
  rig.dma.start(contiguous_load(256), 0);
  EXPECT_THROW(rig.dma.start(contiguous_load(64), 5), std::logic_error);
  rig.dma.advance_to(26);
  EXPECT_TRUE(rig.dma.all_issued());
  EXPECT_EQ(rig.dma.done_cycle(), 27u);
  EXPECT_TRUE(rig.dma.busy(26));
  EXPECT_FALSE(rig.dma.busy(27));
  EXPECT_NO_THROW(rig.dma.start(contiguous_load(64), 27));
  rig.dma.advance_to(1000);
  EXPECT_THROW(rig.dma.run(DmaTransfer{}, 1000), std::invalid_argument);  // empty
  const DmaTransfer below{.dram_addr = 50, .row_bytes = 8, .rows = 2, .dram_row_stride = -100};
  EXPECT_THROW(rig.dma.run(below, 1000), std::invalid_argument);
}

// Random transfers: loads and stores of random shapes inside the first 64 KiB of DRAM and
// the SRAM, each pushed at a random edge.
struct Command {
  uint64_t push;
  DmaTransfer transfer;
};
std::vector<Command> random_commands(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  std::vector<Command> out;
  uint64_t t = 0;
  for (size_t k = 0; k < n; ++k) {
    t += pick(0, 60);
    DmaTransfer x;
    x.direction = rng() % 2 ? DmaDirection::Load : DmaDirection::Store;
    x.row_bytes = pick(1, 200);
    x.rows = pick(1, 4);
    x.planes = pick(1, 3);
    x.dram_row_stride = static_cast<int64_t>(x.row_bytes + pick(0, 300));
    x.dram_plane_stride = x.dram_row_stride * static_cast<int64_t>(x.rows) + int64_t(pick(0, 500));
    x.sram_row_stride = static_cast<int64_t>(x.row_bytes + pick(0, 1) * pick(0, 64));
    x.sram_plane_stride = x.sram_row_stride * static_cast<int64_t>(x.rows);
    const uint64_t dram_extent = static_cast<uint64_t>(x.dram_plane_stride) * (x.planes - 1) +
                                 static_cast<uint64_t>(x.dram_row_stride) * (x.rows - 1) +
                                 x.row_bytes;
    const uint64_t sram_extent = static_cast<uint64_t>(x.sram_plane_stride) * (x.planes - 1) +
                                 static_cast<uint64_t>(x.sram_row_stride) * (x.rows - 1) +
                                 x.row_bytes;
    x.dram_addr = pick(0, (1 << 16) - dram_extent);
    x.sram_addr = pick(0, (1 << 16) - sram_extent);
    x.tag = k;
    out.push_back({t, x});
  }
  return out;
}

void fill(Dram& dram, Sram& sram) {
  std::vector<uint8_t> bytes(1 << 16);
  std::mt19937_64 rng(99);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  dram.load(0, bytes);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  sram.load(0, bytes);
}

// Everything a run leaves behind that the two modes must agree on.
std::vector<uint64_t> summary(const Dram& dram, const Sram& sram, const DmaEngine& dma) {
  std::vector<uint64_t> out;
  for (const StatGroup* g :
       std::initializer_list<const StatGroup*>{&dram.stats(), &sram.stats(), &dma.stats()})
    for (uint64_t c : testing::counters(*g)) out.push_back(c);
  std::vector<uint8_t> bytes(1 << 16);
  dram.peek(0, bytes);
  out.push_back(testing::fnv1a(bytes));
  sram.peek(0, bytes);
  out.push_back(testing::fnv1a(bytes));
  return out;
}

// Drives a DmaModule: pushes each command at its edge, records each completion.
class DmaDriver : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  DmaDriver(sc_core::sc_module_name name, DmaModule& dma, std::vector<Command> commands)
      : sc_core::sc_module(name), clk("clk"), m_dma(dma), m_commands(std::move(commands)) {
    SC_HAS_PROCESS(DmaDriver);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }
  std::vector<uint64_t> seen;  // per completion: tag, start, done, edge seen

 private:
  void on_edge() {
    const uint64_t c = m_cycle++;
    for (; m_next < m_commands.size() && m_commands[m_next].push == c; ++m_next)
      m_dma.commands().push(m_commands[m_next].transfer);
    while (m_dma.completions().valid()) {
      const DmaCompletion done = m_dma.completions().pop();
      seen.insert(seen.end(), {done.tag, done.start, done.done, c});
    }
  }
  DmaModule& m_dma;
  std::vector<Command> m_commands;
  size_t m_next = 0;
  uint64_t m_cycle = 0;
};

TEST(Dma, ClockedModuleAgreesWithEngine) {
  const DmaParams p{.max_request_bytes = 64, .max_outstanding = 3, .setup_cycles = 2};
  const std::vector<Command> commands = random_commands(5, 60);

  // Fast mode: by the module's rules, command k starts at max(push_k + 1, done_{k-1}) and
  // is seen done at its done cycle.
  Dram dram("dram", dram_params(), k1GHz);
  Sram sram("sram", sram_params());
  DmaEngine dma("dma", p, dram, sram);
  fill(dram, sram);
  std::vector<uint64_t> expected;
  uint64_t free_at = 0;
  for (const Command& c : commands) {
    const uint64_t start = std::max(c.push + 1, free_at);
    free_at = dma.run(c.transfer, start);
    expected.insert(expected.end(), {c.transfer.tag, start, free_at, free_at});
  }
  for (uint64_t v : summary(dram, sram, dma)) expected.push_back(v);

  const std::vector<uint64_t> got = testing::run_in_child([&] {
    sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
    Dram dram_c("dram", dram_params(), k1GHz);
    Sram sram_c("sram", sram_params());
    DmaEngine engine("dma", p, dram_c, sram_c);
    fill(dram_c, sram_c);
    DmaModule module("dma_module", engine, 64);
    DmaDriver driver("driver", module, commands);
    module.clk(clk);
    driver.clk(clk);
    for (int i = 0; i < 1000 && driver.seen.size() < 4 * commands.size(); ++i)
      sc_core::sc_start(100, sc_core::SC_NS);
    std::vector<uint64_t> out = driver.seen;
    for (uint64_t v : summary(dram_c, sram_c, engine)) out.push_back(v);
    return out;
  });
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace qasim::sim
