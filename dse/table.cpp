#include "dse/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace qasim::dse {

namespace {

bool looks_numeric(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) ||
                        (s.size() > 1 && (s[0] == '-' || s[0] == '+') &&
                         std::isdigit(static_cast<unsigned char>(s[1]))));
}

}  // namespace

std::string Table::render() const {
  std::vector<size_t> width(m_header.size(), 0);
  for (size_t c = 0; c < m_header.size(); ++c) width[c] = m_header[c].size();
  for (const auto& row : m_rows)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& row, bool header) {
    std::string out;
    for (size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      const bool right = !header && looks_numeric(cell);
      out += right ? fmt::format("{:>{}}", cell, width[c]) : fmt::format("{:<{}}", cell, width[c]);
      if (c + 1 < width.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  size_t total = 0;
  for (size_t w : width) total += w + 2;
  const std::string rule(total > 2 ? total - 2 : 0, '-');
  std::string out = line(m_header, true) + rule + "\n";
  for (const auto& row : m_rows) out += row.empty() ? rule + "\n" : line(row, false);
  return out;
}

std::string human_count(double value) {
  const double a = std::abs(value);
  if (a >= 1e9) return fmt::format("{:.2f} G", value / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f} M", value / 1e6);
  if (a >= 1e3) return fmt::format("{:.1f} K", value / 1e3);
  return fmt::format("{:.0f}", value);
}

}  // namespace qasim::dse
