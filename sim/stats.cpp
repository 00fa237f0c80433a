#include "sim/stats.h"

#include <algorithm>
#include <stdexcept>

namespace qasim::sim {

const char* to_string(StatKind kind) {
  switch (kind) {
    case StatKind::Counter:
      return "counter";
    case StatKind::Scalar:
      return "scalar";
    case StatKind::Distribution:
      return "distribution";
    case StatKind::Formula:
      return "formula";
  }
  return "?";
}

Stat::Stat(StatGroup& group, std::string name, std::string unit, std::string description)
    : m_group(group),
      m_name(std::move(name)),
      m_unit(std::move(unit)),
      m_description(std::move(description)) {
  m_group.check_name(m_name);
  m_group.attach(this);
}

Stat::~Stat() {
  m_group.detach(this);
}

std::string Stat::path() const {
  const std::string group = m_group.path();
  return group.empty() ? m_name : group + "." + m_name;
}

CounterVector::CounterVector(StatGroup& group, std::string name, std::string unit,
                             std::string description, std::vector<std::string> labels)
    : Stat(group, std::move(name), std::move(unit), std::move(description)) {
  for (std::string& label : labels) add_label(std::move(label));
}

size_t CounterVector::add_label(std::string label) {
  if (label.empty() || std::find(m_labels.begin(), m_labels.end(), label) != m_labels.end())
    throw std::logic_error(path() + ": label '" + label + "' is empty or taken");
  m_labels.push_back(std::move(label));
  m_values.push_back(0);
  return m_labels.size() - 1;
}

size_t CounterVector::index_of(const std::string& label) const {
  const auto it = std::find(m_labels.begin(), m_labels.end(), label);
  if (it == m_labels.end()) throw std::out_of_range(path() + ": no label '" + label + "'");
  return static_cast<size_t>(it - m_labels.begin());
}

Distribution::Distribution(StatGroup& group, std::string name, std::string unit,
                           std::string description, uint64_t lo, uint64_t width, size_t buckets)
    : Stat(group, std::move(name), std::move(unit), std::move(description)),
      m_lo(lo),
      m_width(width),
      m_buckets(buckets, 0) {
  if (width == 0 || buckets == 0)
    throw std::logic_error(path() + ": a distribution needs a bucket width and buckets");
}

void Distribution::read(size_t, StatValue& out) const {
  DistributionValue& d = out.dist;
  d.count = m_count;
  d.sum = m_sum;
  d.min = m_count ? m_min : 0;
  d.max = m_max;
  d.underflow = m_underflow;
  d.overflow = m_overflow;
  d.buckets = m_buckets;
  d.mark_min = m_mark_min == kNone ? 0 : m_mark_min;
  d.mark_max = m_mark_max;
}

void Distribution::mark() {
  m_mark_min = kNone;
  m_mark_max = 0;
}

Formula::Formula(StatGroup& group, std::string name, std::string unit, std::string description,
                 std::vector<Input> inputs, Fn fn)
    : Stat(group, std::move(name), std::move(unit), std::move(description)),
      m_inputs(std::move(inputs)),
      m_fn(std::move(fn)) {}

double Formula::value() const {
  std::vector<double> values;
  values.reserve(m_inputs.size());
  for (const Input& in : m_inputs) {
    StatValue v;
    in.stat->read(0, v);
    values.push_back(in.stat->kind() == StatKind::Counter ? static_cast<double>(v.count) : v.value);
  }
  return m_fn(values);
}

StatGroup::StatGroup(std::string name, StatGroup* parent)
    : m_name(std::move(name)), m_parent(parent) {
  if (m_parent) {
    if (m_name.empty()) throw std::logic_error("a child stat group needs a name");
    m_parent->check_name(m_name);
    m_parent->m_children.push_back(this);
  }
}

StatGroup::~StatGroup() {
  if (m_parent) std::erase(m_parent->m_children, this);
}

std::string StatGroup::path() const {
  const std::string up = m_parent ? m_parent->path() : "";
  return up.empty() ? m_name : up + "." + m_name;
}

void StatGroup::for_each(const std::function<void(Stat&)>& fn) const {
  for (Stat* s : m_stats) fn(*s);
  for (const StatGroup* g : m_children) g->for_each(fn);
}

void StatGroup::check_name(const std::string& name) const {
  const auto taken = [&] {
    for (const Stat* s : m_stats)
      if (s->name() == name) return true;
    for (const StatGroup* g : m_children)
      if (g->name() == name) return true;
    return false;
  };
  if (name.empty() || name.find('.') != std::string::npos || taken())
    throw std::logic_error("stat group '" + path() + "': name '" + name +
                           "' is empty, holds a '.', or is taken");
}

void StatGroup::attach(Stat* stat) {
  m_stats.push_back(stat);
}
void StatGroup::detach(Stat* stat) {
  std::erase(m_stats, stat);
}

}  // namespace qasim::sim
