#include "sim/stats_report.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "workloads/errors.h"

namespace qasim::sim {
namespace {

using Json = nlohmann::ordered_json;

std::vector<const Stat*> flatten_stats(const StatGroup& root) {
  std::vector<const Stat*> out;
  root.for_each([&](Stat& s) { out.push_back(&s); });
  return out;
}

StatValue delta(StatKind kind, const StatValue& begin, const StatValue& end) {
  StatValue d;
  switch (kind) {
    case StatKind::Counter:
      d.count = end.count - begin.count;
      break;
    case StatKind::Scalar:
    case StatKind::Formula:
      d.value = end.value;
      break;
    case StatKind::Distribution: {
      const DistributionValue& a = begin.dist;
      const DistributionValue& b = end.dist;
      d.dist.count = b.count - a.count;
      d.dist.sum = b.sum - a.sum;
      d.dist.underflow = b.underflow - a.underflow;
      d.dist.overflow = b.overflow - a.overflow;
      d.dist.buckets.resize(b.buckets.size());
      for (size_t i = 0; i < b.buckets.size(); ++i) d.dist.buckets[i] = b.buckets[i] - a.buckets[i];
      // Extremes cannot be differenced; the stat tracks them since the layer began.
      d.dist.min = d.dist.count ? b.mark_min : 0;
      d.dist.max = d.dist.count ? b.mark_max : 0;
      break;
    }
  }
  return d;
}

const Distribution& as_distribution(const Stat& s) {
  return static_cast<const Distribution&>(s);
}

Json json_value(const Stat& stat, StatKind kind, const StatValue& v) {
  switch (kind) {
    case StatKind::Counter:
      return v.count;
    case StatKind::Scalar:
    case StatKind::Formula:
      return v.value;
    case StatKind::Distribution:
      break;
  }
  const DistributionValue& d = v.dist;
  return Json{{"count", d.count},
              {"sum", d.sum},
              {"min", d.min},
              {"max", d.max},
              {"mean", d.mean()},
              {"lo", as_distribution(stat).lo()},
              {"width", as_distribution(stat).width()},
              {"underflow", d.underflow},
              {"overflow", d.overflow},
              {"buckets", d.buckets}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void csv_rows(std::string& out, const std::string& scope, const Stat& stat, const StatEntry& e,
              const StatValue& v) {
  const auto row = [&](const std::string& name, const std::string& unit, const std::string& value) {
    out += fmt::format("{},{},{},{},{}\n", csv_field(scope), csv_field(name), to_string(e.kind),
                       csv_field(unit), value);
  };
  switch (e.kind) {
    case StatKind::Counter:
      return row(e.path, e.unit, std::to_string(v.count));
    case StatKind::Scalar:
    case StatKind::Formula:
      return row(e.path, e.unit, fmt::format("{}", v.value));
    case StatKind::Distribution:
      break;
  }
  const DistributionValue& d = v.dist;
  row(e.path + ".count", "samples", std::to_string(d.count));
  row(e.path + ".sum", e.unit, std::to_string(d.sum));
  row(e.path + ".min", e.unit, std::to_string(d.min));
  row(e.path + ".max", e.unit, std::to_string(d.max));
  row(e.path + ".mean", e.unit, fmt::format("{}", d.mean()));
  row(e.path + ".underflow", "samples", std::to_string(d.underflow));
  row(e.path + ".overflow", "samples", std::to_string(d.overflow));
  const Distribution& dist = as_distribution(stat);
  for (size_t i = 0; i < d.buckets.size(); ++i)
    row(fmt::format("{}.bucket{}", e.path, dist.lo() + i * dist.width()), "samples",
        std::to_string(d.buckets[i]));
}

void write_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      throw workloads::InputError(path, "cannot write file");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw workloads::InputError(path, "cannot move the written file into place");
  }
}

}  // namespace

StatsRecorder::StatsRecorder(const StatGroup& root) : m_root(root) {
  for (const Stat* s : flatten_stats(root))
    for (size_t i = 0; i < s->entries(); ++i) {
      m_sources.push_back({s, i});
      m_entries.push_back({s->entry_path(i), s->kind(), s->unit(), s->description()});
    }
}

std::vector<StatValue> StatsRecorder::capture() const {
  size_t n = 0;
  for (const Stat* s : flatten_stats(m_root)) {
    for (size_t i = 0; i < s->entries(); ++i, ++n)
      if (n >= m_sources.size() || m_sources[n].stat != s || m_sources[n].entry != i)
        throw std::logic_error("stats: the stat tree changed after the recorder was made");
  }
  if (n != m_sources.size())
    throw std::logic_error("stats: the stat tree changed after the recorder was made");
  std::vector<StatValue> values(m_sources.size());
  for (size_t i = 0; i < m_sources.size(); ++i)
    m_sources[i].stat->read(m_sources[i].entry, values[i]);
  return values;
}

void StatsRecorder::begin_layer(std::string name) {
  if (m_layer_open || m_finalized)
    throw std::logic_error("stats: begin_layer while a layer is open or after finalize");
  m_root.for_each([](Stat& s) { s.mark(); });
  m_begin = capture();
  m_layers.push_back({std::move(name), {}});
  m_layer_open = true;
}

void StatsRecorder::end_layer() {
  if (!m_layer_open) throw std::logic_error("stats: end_layer without begin_layer");
  const std::vector<StatValue> end = capture();
  std::vector<StatValue>& out = m_layers.back().values;
  out.resize(end.size());
  for (size_t i = 0; i < end.size(); ++i) out[i] = delta(m_entries[i].kind, m_begin[i], end[i]);
  m_layer_open = false;
}

void StatsRecorder::finalize() {
  if (m_layer_open || m_finalized)
    throw std::logic_error("stats: finalize while a layer is open or twice");
  m_totals = capture();
  evaluate_formulas(m_totals);
  for (LayerStats& layer : m_layers) evaluate_formulas(layer.values);
  m_finalized = true;
}

void StatsRecorder::evaluate_formulas(std::vector<StatValue>& values) const {
  std::unordered_map<const Stat*, size_t> index_of;
  for (size_t i = 0; i < m_sources.size(); ++i) index_of.emplace(m_sources[i].stat, i);
  for (size_t i = 0; i < m_sources.size(); ++i) {
    if (m_entries[i].kind != StatKind::Formula) continue;
    const auto& formula = static_cast<const Formula&>(*m_sources[i].stat);
    std::vector<double> inputs;
    for (const Formula::Input& in : formula.inputs()) {
      const auto it = index_of.find(in.stat);
      if (it == index_of.end())
        throw std::logic_error("stats: formula " + formula.path() + " reads " + in.stat->path() +
                               ", which is outside the recorded tree");
      const StatValue& v = values[it->second];
      inputs.push_back(in.stat->kind() == StatKind::Counter ? static_cast<double>(v.count)
                                                            : v.value);
    }
    values[i].value = formula.evaluate(inputs);
  }
}

void StatsRecorder::require_finalized() const {
  if (!m_finalized) throw std::logic_error("stats: results are read after finalize()");
}

const std::vector<StatValue>& StatsRecorder::totals() const {
  require_finalized();
  return m_totals;
}

const std::vector<LayerStats>& StatsRecorder::layers() const {
  require_finalized();
  return m_layers;
}

size_t StatsRecorder::index(const std::string& path) const {
  for (size_t i = 0; i < m_entries.size(); ++i)
    if (m_entries[i].path == path) return i;
  throw std::out_of_range("stats: no entry '" + path + "'");
}

std::string StatsRecorder::json() const {
  require_finalized();
  Json stats = Json::object(), total = Json::object(), layers = Json::array();
  for (size_t i = 0; i < m_entries.size(); ++i) {
    const StatEntry& e = m_entries[i];
    stats[e.path] = {{"kind", to_string(e.kind)}, {"unit", e.unit}, {"description", e.description}};
    total[e.path] = json_value(*m_sources[i].stat, e.kind, m_totals[i]);
  }
  for (const LayerStats& layer : m_layers) {
    Json values = Json::object();
    for (size_t i = 0; i < m_entries.size(); ++i)
      values[m_entries[i].path] =
          json_value(*m_sources[i].stat, m_entries[i].kind, layer.values[i]);
    layers.push_back({{"name", layer.name}, {"values", std::move(values)}});
  }
  Json root{
      {"stats", std::move(stats)}, {"total", std::move(total)}, {"layers", std::move(layers)}};
  return root.dump(2) + "\n";
}

std::string StatsRecorder::csv() const {
  require_finalized();
  std::string out = "scope,stat,kind,unit,value\n";
  for (size_t i = 0; i < m_entries.size(); ++i)
    csv_rows(out, "total", *m_sources[i].stat, m_entries[i], m_totals[i]);
  for (const LayerStats& layer : m_layers)
    for (size_t i = 0; i < m_entries.size(); ++i)
      csv_rows(out, layer.name, *m_sources[i].stat, m_entries[i], layer.values[i]);
  return out;
}

void StatsRecorder::write_json(const std::string& path) const {
  write_atomic(path, json());
}
void StatsRecorder::write_csv(const std::string& path) const {
  write_atomic(path, csv());
}

}  // namespace qasim::sim
