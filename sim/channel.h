// A ready/valid channel between clocked SC_MODULEs: a bounded FIFO whose state changes only at
// clock edges, like a register FIFO in hardware.
//
// Timing rules, for producers and consumers that are processes run once per rising edge:
// - An item pushed at edge c is valid to the consumer from edge c+1 (one register stage).
// - A slot freed by a pop at edge c is seen by the producer from edge c+1, so a channel of
//   depth 1 passes one item every 2 cycles and depth >= 2 passes one per cycle.
// - ready() and valid() read the state at the start of the edge plus the caller's own pushes
//   or pops of this edge: the result does not depend on the order SystemC runs processes in.
// - An edge at which try_push found the channel full is one stall cycle (back-pressure); an
//   edge at which try_pop found it empty is one empty cycle. Each counts once per edge.
// Both ends must run at the edge itself (not in a later delta cycle driven by a signal).
#pragma once

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <systemc>
#include <utility>

#include "sim/stats.h"

namespace qasim::sim {

struct ChannelStats : StatGroup {
  using StatGroup::StatGroup;
  Counter pushes{*this, "pushes", "items", "items accepted from the producer"};
  Counter pops{*this, "pops", "items", "items taken by the consumer"};
  Counter stall_cycles{*this, "stall_cycles", "cycles", "edges at which a push found it full"};
  Counter empty_cycles{*this, "empty_cycles", "cycles", "edges at which a pop found it empty"};
};

template <typename T>
class Channel : public sc_core::sc_prim_channel {
 public:
  // `stats_parent` receives this channel's stats as a child group named after the channel.
  Channel(const char* name, size_t depth, StatGroup* stats_parent = nullptr)
      : sc_core::sc_prim_channel(name), m_depth(depth), m_stats(basename(), stats_parent) {
    if (depth == 0) throw std::invalid_argument(std::string(name) + ": channel depth must be >= 1");
  }

  // Producer side.
  bool ready() const { return m_items.size() + m_popped < m_depth; }
  void push(T item) {
    if (!ready()) throw std::logic_error(std::string(name()) + ": push while not ready");
    m_items.push_back(std::move(item));
    ++m_stats.pushes;
    request_update();
  }
  // Pushes when ready; otherwise counts this edge as a stall cycle and returns false,
  // leaving `item` untouched (so it can be offered again at the next edge).
  bool try_push(T&& item) {
    if (ready()) {
      push(std::move(item));
      return true;
    }
    note_full();
    return false;
  }
  bool try_push(const T& item) {
    if (ready()) {
      push(item);
      return true;
    }
    note_full();
    return false;
  }

  // Consumer side.
  bool valid() const { return m_visible > 0; }
  const T& front() const {
    if (!valid()) throw std::logic_error(std::string(name()) + ": front while not valid");
    return m_items.front();
  }
  T pop() {
    if (!valid()) throw std::logic_error(std::string(name()) + ": pop while not valid");
    T item = std::move(m_items.front());
    m_items.pop_front();
    --m_visible;
    ++m_popped;
    ++m_stats.pops;
    request_update();
    return item;
  }
  // Pops when valid; otherwise counts this edge as an empty cycle and returns false.
  bool try_pop(T& out) {
    if (valid()) {
      out = pop();
      return true;
    }
    m_empty_seen = true;
    request_update();
    return false;
  }

  size_t depth() const { return m_depth; }
  // Items held (visible or pushed at this edge).
  size_t size() const { return m_items.size(); }
  const ChannelStats& stats() const { return m_stats; }
  // Adds the occupancy (items at the start of each edge) to a VCD file.
  void trace(sc_core::sc_trace_file* file) const {
    sc_core::sc_trace(file, m_occupancy, std::string(name()) + ".occupancy");
  }

 private:
  // End of the evaluation phase of an edge: this edge's pushes become visible and its pops
  // free their slots.
  void update() override {
    m_visible = m_items.size();
    m_popped = 0;
    m_occupancy = m_visible;
    if (m_full_seen) ++m_stats.stall_cycles;
    if (m_empty_seen) ++m_stats.empty_cycles;
    m_full_seen = m_empty_seen = false;
  }

  void note_full() {
    m_full_seen = true;
    request_update();
  }

  size_t m_depth;
  std::deque<T> m_items;  // visible items first, then those pushed at this edge
  size_t m_visible = 0;   // items the consumer may pop at this edge
  size_t m_popped = 0;    // popped at this edge; their slots free up at the next one
  bool m_full_seen = false;
  bool m_empty_seen = false;
  uint64_t m_occupancy = 0;  // for tracing
  ChannelStats m_stats;
};

}  // namespace qasim::sim
