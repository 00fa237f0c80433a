// Typed statistics, declared once as members of a component's Stats struct:
//
//   struct SramStats : StatGroup {
//     using StatGroup::StatGroup;
//     Counter reads{*this, "reads", "requests", "read requests served"};
//   };
//
// Each stat registers itself with its group when constructed, so its name, unit and
// description are written in one place, and the hot path is `++stats.reads` or
// `stats.read_bytes += n`: an integer add, never a lookup by name. Groups nest
// ("accel.cbuf.reads"); StatsRecorder (sim/stats_report.h) takes per-layer deltas,
// evaluates formulas and writes JSON/CSV.
#pragma once

#include <cassert>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace qasim::sim {

enum class StatKind { Counter, Scalar, Distribution, Formula };
const char* to_string(StatKind kind);

// A histogram's state at one point, or its change over a layer.
struct DistributionValue {
  uint64_t count = 0;
  uint64_t sum = 0;
  uint64_t min = 0;  // 0 when count == 0
  uint64_t max = 0;
  uint64_t underflow = 0;  // samples below the first bucket
  uint64_t overflow = 0;   // samples at or above the end of the last bucket
  std::vector<uint64_t> buckets;
  // The extremes since the last mark (the start of the current layer).
  uint64_t mark_min = 0;
  uint64_t mark_max = 0;
  double mean() const { return count ? static_cast<double>(sum) / static_cast<double>(count) : 0; }
};

// The value of one flattened stat entry; which member is used depends on the kind.
struct StatValue {
  uint64_t count = 0;  // Counter
  double value = 0;    // Scalar, Formula
  DistributionValue dist;
};

class StatGroup;

class Stat {
 public:
  // Names are non-empty, hold no '.', and are unique within the group (std::logic_error).
  Stat(StatGroup& group, std::string name, std::string unit, std::string description);
  virtual ~Stat();
  Stat(const Stat&) = delete;
  Stat& operator=(const Stat&) = delete;

  const std::string& name() const { return m_name; }
  const std::string& unit() const { return m_unit; }
  const std::string& description() const { return m_description; }
  // Dotted path from the root group: "accel.cbuf.reads".
  std::string path() const;

  virtual StatKind kind() const = 0;
  // A stat flattens to entries: one, or one per label of a CounterVector.
  virtual size_t entries() const { return 1; }
  virtual std::string entry_path(size_t) const { return path(); }
  virtual void read(size_t entry, StatValue& out) const = 0;
  // Start of a layer: a distribution restarts its per-layer extremes.
  virtual void mark() {}

 private:
  StatGroup& m_group;
  std::string m_name;
  std::string m_unit;
  std::string m_description;
};

// A count of events or units (accesses, bytes, cycles); per-layer values are deltas.
class Counter final : public Stat {
 public:
  using Stat::Stat;
  Counter& operator+=(uint64_t n) {
    m_value += n;
    return *this;
  }
  Counter& operator++() {
    ++m_value;
    return *this;
  }
  uint64_t value() const { return m_value; }
  StatKind kind() const override { return StatKind::Counter; }
  void read(size_t, StatValue& out) const override { out.count = m_value; }

 private:
  uint64_t m_value = 0;
};

// Counters indexed by a label fixed before the run, e.g. mac[w4a8], mac[w8a8].
class CounterVector final : public Stat {
 public:
  CounterVector(StatGroup& group, std::string name, std::string unit, std::string description,
                std::vector<std::string> labels = {});
  // Adds a label before recording starts; returns its index for the hot path.
  size_t add_label(std::string label);
  size_t index_of(const std::string& label) const;  // std::out_of_range when unknown
  uint64_t& operator[](size_t i) {
    assert(i < m_values.size());
    return m_values[i];
  }
  uint64_t value(size_t i) const { return m_values.at(i); }
  const std::vector<std::string>& labels() const { return m_labels; }
  StatKind kind() const override { return StatKind::Counter; }
  size_t entries() const override { return m_labels.size(); }
  std::string entry_path(size_t i) const override { return path() + "[" + m_labels.at(i) + "]"; }
  void read(size_t i, StatValue& out) const override { out.count = m_values.at(i); }

 private:
  std::vector<std::string> m_labels;
  std::vector<uint64_t> m_values;
};

// A value that is set, not accumulated (a size, a peak): per-layer values are the value at the
// end of the layer.
class Scalar final : public Stat {
 public:
  using Stat::Stat;
  void set(double v) { m_value = v; }
  double value() const { return m_value; }
  StatKind kind() const override { return StatKind::Scalar; }
  void read(size_t, StatValue& out) const override { out.value = m_value; }

 private:
  double m_value = 0;
};

// A histogram of integer samples (latencies, occupancies): buckets
// [lo + k*width, lo + (k+1)*width) for k < buckets, plus count, sum, min and max.
class Distribution final : public Stat {
 public:
  Distribution(StatGroup& group, std::string name, std::string unit, std::string description,
               uint64_t lo, uint64_t width, size_t buckets);
  void sample(uint64_t v) {
    ++m_count;
    m_sum += v;
    if (v < m_min) m_min = v;
    if (v > m_max) m_max = v;
    if (v < m_mark_min) m_mark_min = v;
    if (v > m_mark_max) m_mark_max = v;
    if (v < m_lo) {
      ++m_underflow;
    } else if (const uint64_t k = (v - m_lo) / m_width; k < m_buckets.size()) {
      ++m_buckets[k];
    } else {
      ++m_overflow;
    }
  }
  uint64_t count() const { return m_count; }
  uint64_t lo() const { return m_lo; }
  uint64_t width() const { return m_width; }
  StatKind kind() const override { return StatKind::Distribution; }
  void read(size_t, StatValue& out) const override;
  void mark() override;

 private:
  static constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();
  uint64_t m_lo;
  uint64_t m_width;
  std::vector<uint64_t> m_buckets;
  uint64_t m_count = 0, m_sum = 0, m_underflow = 0, m_overflow = 0;
  uint64_t m_min = kNone, m_max = 0, m_mark_min = kNone, m_mark_max = 0;
};

// A value derived from counters and scalars when results are taken (utilization,
// bytes/cycle). For a layer it is evaluated on that layer's values, so ratios stay right.
class Formula final : public Stat {
 public:
  // What a formula may read: counters and scalars (not distributions or other formulas).
  struct Input {
    // Implicit, so that a formula lists its inputs as `{busy, cycles}`.
    Input(const Counter& c) : stat(&c) {}
    Input(const Scalar& s) : stat(&s) {}
    const Stat* stat;
  };
  using Fn = std::function<double(const std::vector<double>& inputs)>;
  Formula(StatGroup& group, std::string name, std::string unit, std::string description,
          std::vector<Input> inputs, Fn fn);
  const std::vector<Input>& inputs() const { return m_inputs; }
  double evaluate(const std::vector<double>& inputs) const { return m_fn(inputs); }
  // The formula on the live values of its inputs.
  double value() const;
  StatKind kind() const override { return StatKind::Formula; }
  void read(size_t, StatValue& out) const override { out.value = value(); }

 private:
  std::vector<Input> m_inputs;
  Fn m_fn;
};

// A named set of stats and child groups. A component's Stats struct derives from it; the
// parent (nullptr for a root) lists it, and an empty root name is left out of paths.
class StatGroup {
 public:
  explicit StatGroup(std::string name, StatGroup* parent = nullptr);
  virtual ~StatGroup();
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  const std::string& name() const { return m_name; }
  std::string path() const;
  const std::vector<Stat*>& stats() const { return m_stats; }
  const std::vector<StatGroup*>& children() const { return m_children; }
  // Visits this group's stats, then each child's, in declaration order.
  void for_each(const std::function<void(Stat&)>& fn) const;

 private:
  friend class Stat;
  void check_name(const std::string& name) const;
  void attach(Stat* stat);
  void detach(Stat* stat);

  std::string m_name;
  StatGroup* m_parent;
  std::vector<Stat*> m_stats;
  std::vector<StatGroup*> m_children;
};

}  // namespace qasim::sim
