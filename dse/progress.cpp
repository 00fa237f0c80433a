#include "dse/progress.h"

#include <fmt/core.h>

#include "dse/cli_common.h"

namespace qasim::dse {

Progress::Progress(std::string label, int64_t total)
    : m_label(std::move(label)),
      m_total(total),
      m_tty(stderr_is_tty()),
      m_start(std::chrono::steady_clock::now()),
      m_last_print(m_start) {}

void Progress::update(int64_t done, const std::string& note) {
  const auto now = std::chrono::steady_clock::now();
  const double since_print = std::chrono::duration<double>(now - m_last_print).count();
  if (done < m_total && since_print < (m_tty ? 0.2 : 5.0)) return;
  m_last_print = now;
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const double eta = rate > 0 ? (m_total - done) / rate : 0;
  constexpr int kWidth = 30;
  const int filled = m_total > 0 ? static_cast<int>(kWidth * done / m_total) : kWidth;
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  fmt::print(stderr, "{}{} [{}] {}/{}  {:.1f}/s  ETA {:.0f}s  {}{}", m_tty ? "\r" : "", m_label,
             bar, done, m_total, rate, eta, note, m_tty ? "\033[K" : "\n");
}

void Progress::finish() {
  if (m_tty) fmt::print(stderr, "\n");
}

}  // namespace qasim::dse
