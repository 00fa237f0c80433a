// Throughput of the building blocks, in simulated cycles per host second. Disabled in normal
// runs; run with:
//   sim_tests --gtest_also_run_disabled_tests --gtest_filter='*SimBench*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include <systemc>
#include "sc_child.h"
#include "sim/dma_module.h"
#include "sim/dram.h"
#include "sim/mem_module.h"
#include "sim/sram.h"

namespace qasim::sim {
namespace {

const ClockDomain k1GHz("core", 1000);
const DramParams kDram = DramParams{.capacity_bytes = 1 << 24, .bandwidth_gb_s = 16};
const SramParams kSram = SramParams::schema().preset_value("cbuf_512k");
const DmaParams kDma{.max_request_bytes = 256, .max_outstanding = 8};

// 64 rows of 512 bytes, gathered from a 1 KiB-pitch DRAM tile into the SRAM.
DmaTransfer tile(uint64_t k) {
  return {.dram_addr = (k % 64) * 65536,
          .sram_addr = (k % 16) * 32768,
          .row_bytes = 512,
          .rows = 64,
          .dram_row_stride = 1024,
          .sram_row_stride = 512,
          .tag = k};
}

// Keeps the DMA fed with tiles and issues one 64-byte read per cycle to a second SRAM
// through a MemoryModule port, as an accelerator's buffer reads would.
class Load : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  Load(sc_core::sc_module_name name, DmaModule& dma, MemoryModule& mem)
      : sc_core::sc_module(name), clk("clk"), m_dma(dma), m_mem(mem) {
    SC_HAS_PROCESS(Load);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }
  uint64_t transfers = 0, reads = 0;

 private:
  void on_edge() {
    if (m_dma.commands().ready()) m_dma.commands().push(tile(m_issued++));
    while (m_dma.completions().valid()) {
      m_dma.completions().pop();
      ++transfers;
    }
    if (m_mem.request(0).ready())
      m_mem.request(0).push({.tag = m_cycle, .addr = (m_cycle * 64) % (512 * 1024), .bytes = 64});
    while (m_mem.response(0).valid()) {
      m_mem.response(0).pop();
      ++reads;
    }
    ++m_cycle;
  }
  DmaModule& m_dma;
  MemoryModule& m_mem;
  uint64_t m_issued = 0, m_cycle = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(SimBench, DISABLED_ClockedSramDramDma) {
  const uint64_t cycles = 2'000'000;
  const std::vector<uint64_t> r = testing::run_in_child(
      [&] {
        sc_core::sc_clock clk("clk", k1GHz.period());
        Dram dram("dram", kDram, k1GHz);
        Sram sram("sram", kSram);
        Sram buffer("buffer", kSram);
        DmaEngine engine("dma", kDma, dram, sram);
        DmaModule dma("dma_module", engine);
        MemoryModule mem("mem", buffer, 1);
        Load load("load", dma, mem);
        dma.clk(clk);
        mem.clk(clk);
        load.clk(clk);
        const auto t0 = std::chrono::steady_clock::now();
        sc_core::sc_start(static_cast<double>(cycles), sc_core::SC_NS);
        const double s = seconds_since(t0);
        return std::vector<uint64_t>{static_cast<uint64_t>(s * 1e9), load.transfers, load.reads,
                                     dram.stats().busy_cycles.value()};
      },
      600);
  const double s = static_cast<double>(r[0]) / 1e9;
  std::printf(
      "clocked SRAM+DRAM+DMA: %llu cycles in %.3f s = %.2f M cycles/s "
      "(%llu tiles, %llu buffer reads, DRAM busy %.0f%%)\n",
      static_cast<unsigned long long>(cycles), s, static_cast<double>(cycles) / s / 1e6,
      static_cast<unsigned long long>(r[1]), static_cast<unsigned long long>(r[2]),
      100.0 * static_cast<double>(r[3]) / static_cast<double>(cycles));
  EXPECT_GT(r[1], 0u);
}

TEST(SimBench, DISABLED_FastDma) {
  Dram dram("dram", kDram, k1GHz);
  Sram sram("sram", kSram);
  DmaEngine engine("dma", kDma, dram, sram);
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t cycle = 0;
  for (uint64_t k = 0; k < 1000; ++k) cycle = engine.run(tile(k), cycle);
  const double s = seconds_since(t0);
  std::printf("fast DMA: %llu simulated cycles in %.3f s = %.1f M cycles/s\n",
              static_cast<unsigned long long>(cycle), s, static_cast<double>(cycle) / s / 1e6);
}

}  // namespace
}  // namespace qasim::sim
