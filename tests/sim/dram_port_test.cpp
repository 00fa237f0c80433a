// DramPort: requests reach the DRAM one hop after they are sent, writer clients as writes
// and the others as reads, writers first at the same edge, and each response (the done
// cycle) is seen one hop after that cycle. Expected cycles by hand from the DRAM params.
#include "sim/dram_port.h"

#include <gtest/gtest.h>

#include <systemc>

#include "endpoint.h"
#include "sc_child.h"

namespace qasim::sim {
namespace {

using testing::Endpoint;
using testing::run_in_child;

// One channel of 16 bytes/cycle at 1 GHz, latency 10: 256 bytes on an idle DRAM are done
// at issue + 10 + 16.
DramParams simple() {
  return {.capacity_bytes = 1 << 20,
          .channels = 1,
          .bandwidth_gb_s = 16,
          .latency_cycles = 10,
          .burst_bytes = 64};
}

// Client 0 writes, client 1 reads. Per response: client, value, edge seen; then the DRAM's
// write and read bursts.
std::vector<uint64_t> run_port() {
  const ClockDomain clock("core", 1000);
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  Dram dram("dram", simple(), clock);
  DramPort port("port", dram, 2, 1);
  std::vector<uint64_t> out;
  Endpoint clients("clients", [&](uint64_t c) {
    if (c == 0) port.requests(0).push({0, 256});
    if (c == 100) port.requests(1).push({512, 256});
    if (c == 200) {
      port.requests(1).push({0, 256});  // the read is sent first but served second
      port.requests(0).push({512, 256});
    }
    for (size_t k : {0, 1})
      while (port.responses(k).valid()) out.insert(out.end(), {k, port.responses(k).pop(), c});
  });
  port.clk(clk);
  clients.clk(clk);
  sc_core::sc_start(400, sc_core::SC_NS);
  out.push_back(dram.stats().write_bursts.value());
  out.push_back(dram.stats().read_bursts.value());
  return out;
}

TEST(DramPort, WritersFirstAndResponsesOneHopAfterDone) {
  const std::vector<uint64_t> got = run_in_child(run_port);
  // Edge 0 write: at the DRAM at 1, done 27, seen 28. Edge 100 read: 101, 127, seen 128.
  // Edge 200: the write is served first on the idle DRAM: 201, done 227, seen 228; the read
  // queues behind it, so it is done later than 227.
  ASSERT_EQ(got.size(), 4u * 3u + 2u);
  EXPECT_EQ(std::vector<uint64_t>(got.begin(), got.begin() + 9),
            (std::vector<uint64_t>{0, 27, 28, 1, 127, 128, 0, 227, 228}));
  EXPECT_EQ(got[9], 1u);  // the last response is the read's
  EXPECT_GT(got[10], 227u);
  EXPECT_EQ(got[11], got[10] + 1);
  EXPECT_EQ(got[12], 8u);  // 2 writes of 4 bursts
  EXPECT_EQ(got[13], 8u);  // 2 reads of 4 bursts
}

}  // namespace
}  // namespace qasim::sim
