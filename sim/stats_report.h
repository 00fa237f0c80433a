// Taking results from a stat tree: per-layer deltas, formulas evaluated once at finalize,
// and JSON/CSV output. Lifecycle: construct (after the tree is complete) → begin_layer /
// end_layer around each layer → finalize → json()/csv()/write_*.
//
// Per-layer values: counters and distribution counts are the change over the layer;
// scalars are the value at the layer's end; distribution min/max are the extremes seen in
// the layer; formulas are evaluated on the layer's values of their inputs.
#pragma once

#include <string>
#include <vector>

#include "sim/stats.h"

namespace qasim::sim {

// One flattened stat entry (a CounterVector gives one per label).
struct StatEntry {
  std::string path;
  StatKind kind;
  std::string unit;
  std::string description;
};

struct LayerStats {
  std::string name;
  std::vector<StatValue> values;  // aligned with StatsRecorder::entries()
};

class StatsRecorder {
 public:
  // Takes the layout of the tree under `root` now; the tree must not change afterwards
  // (std::logic_error at the next call if it did).
  explicit StatsRecorder(const StatGroup& root);

  void begin_layer(std::string name);
  void end_layer();
  // Captures the totals and evaluates the formulas of the totals and of every layer.
  void finalize();

  const std::vector<StatEntry>& entries() const { return m_entries; }
  const std::vector<StatValue>& totals() const;
  const std::vector<LayerStats>& layers() const;
  // Index of the entry with this path (std::out_of_range when there is none).
  size_t index(const std::string& path) const;
  // Total of a counter entry, by path (after finalize).
  uint64_t total_count(const std::string& path) const { return totals()[index(path)].count; }

  // {"stats": {path: {kind, unit, description}}, "total": {path: value},
  //  "layers": [{"name", "values": {path: value}}]}; a distribution's value is an object
  // with count, sum, min, max, mean, lo, width, underflow, overflow and buckets.
  std::string json() const;
  // Rows "scope,stat,kind,unit,value"; scope is "total" or the layer name, and a
  // distribution gives rows .count .sum .min .max .mean .underflow .overflow .bucket<lo>.
  std::string csv() const;
  // Written atomically (temporary file beside `path`, then rename); InputError on failure.
  void write_json(const std::string& path) const;
  void write_csv(const std::string& path) const;

 private:
  struct Source {
    const Stat* stat;
    size_t entry;
  };
  std::vector<StatValue> capture() const;
  void evaluate_formulas(std::vector<StatValue>& values) const;
  void require_finalized() const;

  const StatGroup& m_root;
  std::vector<Source> m_sources;
  std::vector<StatEntry> m_entries;
  std::vector<StatValue> m_begin;  // values at begin_layer of the open layer
  std::vector<StatValue> m_totals;
  std::vector<LayerStats> m_layers;
  bool m_layer_open = false;
  bool m_finalized = false;
};

}  // namespace qasim::sim
