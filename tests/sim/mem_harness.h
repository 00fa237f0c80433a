// Test helpers shared by the SRAM and DRAM agreement tests: random request streams, a
// clocked driver that plays a stream into a MemoryModule and records what comes back, and
// the same stream played directly into a core (the fast-mode reference).
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <systemc>
#include <vector>

#include "sim/mem_module.h"
#include "sim/stats.h"

namespace qasim::sim::testing {

struct Scheduled {
  uint64_t push_cycle;  // edge at which the driver pushes the request
  size_t port;
  MemRequest request;
};

// `n` requests per port, each port pushing at most one per edge with random gaps, random
// ops, addresses in [0, span) and sizes in [1, max_bytes]; tags number them in push order.
inline std::vector<Scheduled> random_stream(uint64_t seed, size_t n, size_t ports, uint64_t span,
                                            uint64_t max_bytes) {
  std::mt19937_64 rng(seed);
  std::vector<Scheduled> out;
  for (size_t p = 0; p < ports; ++p) {
    uint64_t t = 0;
    for (size_t i = 0; i < n; ++i) {
      t += std::uniform_int_distribution<uint64_t>(i == 0 ? 0 : 1, 4)(rng);
      MemRequest r;
      r.op = rng() % 3 == 0 ? MemOp::Write : MemOp::Read;
      const uint64_t bytes = std::uniform_int_distribution<uint64_t>(1, max_bytes)(rng);
      r.addr = std::uniform_int_distribution<uint64_t>(0, span - bytes)(rng);
      if (r.op == MemOp::Read) {
        r.bytes = bytes;
      } else {
        r.data.resize(bytes);
        for (auto& b : r.data) b = static_cast<uint8_t>(rng());
      }
      out.push_back({t, p, std::move(r)});
    }
  }
  // Push order: by edge, then port; that is also the order the module serves them in.
  std::stable_sort(out.begin(), out.end(), [](const Scheduled& a, const Scheduled& b) {
    return a.push_cycle != b.push_cycle ? a.push_cycle < b.push_cycle : a.port < b.port;
  });
  for (size_t i = 0; i < out.size(); ++i) out[i].request.tag = i;
  return out;
}

inline uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  return h;
}

// Every counter of a stat tree, in declaration order.
inline std::vector<uint64_t> counters(const StatGroup& g) {
  std::vector<uint64_t> out;
  g.for_each([&](Stat& s) {
    if (s.kind() != StatKind::Counter) return;
    for (size_t i = 0; i < s.entries(); ++i) {
      StatValue v;
      s.read(i, v);
      out.push_back(v.count);
    }
  });
  return out;
}

// The fast-mode reference: the stream played straight into `core`. Per the channel and
// module rules, a request pushed at edge c is accepted at c+1, and its response is seen at
// the core's done cycle. Returns, per tag: seen cycle and data hash.
inline std::vector<uint64_t> play_direct(Memory& core, const std::vector<Scheduled>& stream) {
  std::vector<uint64_t> out(stream.size() * 2);
  for (const Scheduled& s : stream) {
    const MemRequest& r = s.request;
    std::vector<uint8_t> data(r.op == MemOp::Read ? r.bytes : 0);
    const MemTiming t = r.op == MemOp::Read ? core.read(s.push_cycle + 1, r.addr, data)
                                            : core.write(s.push_cycle + 1, r.addr, r.data);
    out[2 * r.tag] = t.done;
    out[2 * r.tag + 1] = fnv1a(data);
  }
  return out;
}

// Plays a stream into a MemoryModule at its scheduled edges and drains every response at
// the edge it becomes visible.
class MemDriver : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  MemDriver(sc_core::sc_module_name name, MemoryModule& mem, std::vector<Scheduled> stream)
      : sc_core::sc_module(name), clk("clk"), m_mem(mem), m_stream(std::move(stream)) {
    seen.assign(m_stream.size() * 2, 0);
    SC_HAS_PROCESS(MemDriver);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }
  std::vector<uint64_t> seen;  // per tag: cycle its response was seen, its data hash
  size_t received = 0;

 private:
  void on_edge() {
    const uint64_t c = m_cycle++;
    for (; m_next < m_stream.size() && m_stream[m_next].push_cycle == c; ++m_next) {
      Channel<MemRequest>& req = m_mem.request(m_stream[m_next].port);
      if (!req.ready()) throw std::logic_error("driver: request channel full");
      req.push(m_stream[m_next].request);
    }
    for (size_t p = 0; p < m_mem.ports(); ++p)
      while (m_mem.response(p).valid()) {
        const MemResponse r = m_mem.response(p).pop();
        seen[2 * r.tag] = c;
        seen[2 * r.tag + 1] = fnv1a(r.data);
        ++received;
      }
  }

  MemoryModule& m_mem;
  std::vector<Scheduled> m_stream;
  size_t m_next = 0;
  uint64_t m_cycle = 0;
};

// Runs the clock until the driver has every response (or `limit` cycles pass).
inline void run_until_drained(const MemDriver& driver, size_t expected, uint64_t limit) {
  for (uint64_t t = 0; driver.received < expected && t < limit; t += 100)
    sc_core::sc_start(100, sc_core::SC_NS);
}

}  // namespace qasim::sim::testing
