// Plain-text tables for the terminal: columns aligned, numbers right-aligned.
#pragma once

#include <string>
#include <vector>

namespace qasim::dse {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}
  void add_row(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  void add_separator() { m_rows.emplace_back(); }
  std::string render() const;

 private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;  // an empty row draws a separator
};

// 1234567 -> "1.23 M"; keeps tables readable across ten orders of magnitude.
std::string human_count(double value);

}  // namespace qasim::dse
