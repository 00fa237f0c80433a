// Errors caused by what the user gave us: a file, a flag, a model. The CLI prints them
// and exits 2; everything else is a runtime failure (exit 1).
#pragma once

#include <stdexcept>
#include <string>

namespace qasim::workloads {

class InputError : public std::runtime_error {
 public:
  // `where` names the file (and offset, line or node) the problem was found at.
  InputError(const std::string& where, const std::string& problem)
      : std::runtime_error(where.empty() ? problem : where + ": " + problem),
        m_where(where),
        m_problem(problem) {}
  const std::string& where() const { return m_where; }
  const std::string& problem() const { return m_problem; }

 private:
  std::string m_where;
  std::string m_problem;
};

}  // namespace qasim::workloads
