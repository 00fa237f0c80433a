// Progress of long work on stderr: redrawn in place on a terminal, a line every few
// seconds otherwise (CI logs), with rate and ETA.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace qasim::dse {

class Progress {
 public:
  Progress(std::string label, int64_t total);
  void update(int64_t done, const std::string& note = "");
  void finish();

 private:
  std::string m_label;
  int64_t m_total;
  bool m_tty;
  std::chrono::steady_clock::time_point m_start, m_last_print;
};

}  // namespace qasim::dse
