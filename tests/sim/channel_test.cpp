#include "sim/channel.h"

#include <gtest/gtest.h>

#include <functional>

#include <systemc>
#include "endpoint.h"
#include "sc_child.h"

namespace qasim::sim {
namespace {

using Edges = std::vector<uint64_t>;

using testing::Endpoint;

// One producer/consumer pair on a channel: the producer offers items 0, 1, ... at the edges
// `produce(edge)` allows (at most `max_per_edge` per edge, `items` in all); the consumer
// tries to take one item (or every visible item, when `drain`) at the edges `consume(edge)`
// allows.
struct Scenario {
  size_t depth;
  uint64_t items;
  std::function<bool(uint64_t)> produce;
  std::function<bool(uint64_t)> consume;
  uint64_t max_per_edge = 1;
  bool drain = false;
};

// What a scenario did: edges of each accepted push and each pop, popped values, and stats.
struct Outcome {
  Edges pushes, pops, values;
  uint64_t stall_cycles = 0, empty_cycles = 0;
  std::vector<uint64_t> flat() const {
    std::vector<uint64_t> out;
    for (const Edges* e : {&pushes, &pops, &values}) {
      out.push_back(e->size());
      out.insert(out.end(), e->begin(), e->end());
    }
    out.push_back(stall_cycles);
    out.push_back(empty_cycles);
    return out;
  }
};

std::vector<uint64_t> run_scenarios(const std::vector<Scenario>& scenarios, uint64_t edges) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  std::vector<std::unique_ptr<Channel<uint64_t>>> channels;
  std::vector<std::unique_ptr<Endpoint>> ends;
  std::vector<Outcome> out(scenarios.size());
  std::vector<uint64_t> next(scenarios.size(), 0);
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Scenario& s = scenarios[i];
    const std::string n = std::to_string(i);
    channels.push_back(std::make_unique<Channel<uint64_t>>(("ch" + n).c_str(), s.depth));
    Channel<uint64_t>& ch = *channels.back();
    ends.push_back(std::make_unique<Endpoint>(("producer" + n).c_str(), [&, i](uint64_t c) {
      const Scenario& sc = scenarios[i];
      for (uint64_t k = 0; k < sc.max_per_edge && next[i] < sc.items && sc.produce(c); ++k) {
        if (!ch.try_push(uint64_t{next[i]})) break;
        out[i].pushes.push_back(c);
        ++next[i];
      }
    }));
    ends.push_back(std::make_unique<Endpoint>(("consumer" + n).c_str(), [&, i](uint64_t c) {
      if (!scenarios[i].consume(c)) return;
      uint64_t v;
      if (!ch.try_pop(v)) return;
      do {
        out[i].pops.push_back(c);
        out[i].values.push_back(v);
      } while (scenarios[i].drain && ch.valid() && (v = ch.pop(), true));
    }));
  }
  for (auto& e : ends) e->clk(clk);
  sc_core::sc_start(static_cast<double>(edges), sc_core::SC_NS);
  std::vector<uint64_t> flat;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    out[i].stall_cycles = channels[i]->stats().stall_cycles.value();
    out[i].empty_cycles = channels[i]->stats().empty_cycles.value();
    const std::vector<uint64_t> f = out[i].flat();
    flat.insert(flat.end(), f.begin(), f.end());
  }
  return flat;
}

TEST(Channel, ReadyValidTimingAndBackPressure) {
  const auto always = [](uint64_t) { return true; };
  const std::vector<Scenario> scenarios = {
      // A: depth 2, the consumer is away until edge 6, then pops through edge 10.
      {2, 4, always, [](uint64_t c) { return c >= 6 && c <= 10; }},
      // B: depth 1, both ends every edge 0..9.
      {1, 100, [](uint64_t c) { return c <= 9; }, [](uint64_t c) { return c <= 9; }},
      // C: depth 2, both ends every edge: the producer pushes at 0..9.
      {2, 10, always, [](uint64_t c) { return c <= 10; }},
      // D: depth 2, the producer offers 3 items per edge at edge 0 only.
      {2, 3, [](uint64_t c) { return c == 0; }, [](uint64_t c) { return c == 1; }, 3, true},
  };
  const std::vector<uint64_t> got =
      testing::run_in_child([&] { return run_scenarios(scenarios, 12); });

  // Expected, from the channel's rules (an item pushed at c is visible at c+1; a slot
  // popped at c is free at c+1; stall/empty counted once per edge tried):
  std::vector<uint64_t> expected;
  const auto add = [&](const Outcome& o) {
    const std::vector<uint64_t> f = o.flat();
    expected.insert(expected.end(), f.begin(), f.end());
  };
  // A: pushes at 0 and 1 fill it; edges 2..6 stall (the pop at 6 frees a slot only at 7);
  // pushes at 7 and 8; pops at 6, 7, 8 (C seen at 8), 9 (D); edge 10 finds it empty.
  add({{0, 1, 7, 8}, {6, 7, 8, 9}, {0, 1, 2, 3}, 5, 1});
  // B: one item every 2 edges: pushes at even edges, stalls and pops at odd ones.
  add({{0, 2, 4, 6, 8}, {1, 3, 5, 7, 9}, {0, 1, 2, 3, 4}, 5, 5});
  // C: one item per edge, each seen one edge after its push.
  add({{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
       {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
       0,
       1});
  // D: two pushes fit at edge 0, the third stalls; a draining consumer takes both at edge 1.
  add({{0, 0}, {1, 1}, {0, 1}, 1, 0});
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace qasim::sim
