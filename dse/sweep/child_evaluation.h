// A design point evaluated in a forked child process. SystemC elaborates once per
// process, so cycle-mode points each need their own; and a point that crashes (a model
// that does not fit, a failed assertion, running out of memory) takes only its child
// down: the parent records it as failed with the reason and goes on.
//
// The parent must not have run OpenMP parallel regions before forking (libgomp's thread
// pool does not survive fork): the sweep's parent process only schedules and stores.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "dse/sweep/evaluate.h"

namespace qasim::dse {

class ChildEvaluation {
 public:
  // Forks; the child sets `threads` kernel threads, evaluates, writes the result as JSON
  // and exits.
  ChildEvaluation(const DesignPoint& point, const EvalContext& context,
                  const std::optional<AccuracyResult>& known_accuracy, int threads);
  ~ChildEvaluation();
  ChildEvaluation(const ChildEvaluation&) = delete;
  ChildEvaluation& operator=(const ChildEvaluation&) = delete;

  // Descriptors to poll for reading (result and stderr pipes; -1 once closed).
  int result_fd() const { return m_result_fd; }
  int error_fd() const { return m_error_fd; }
  // Reads what the child wrote; true once both pipes are closed (the child is gone).
  bool read_available();
  double seconds() const;
  // Kills the child (timeout); finish() then reports `reason`.
  void kill_child(const std::string& reason);
  // Reaps the child and returns its result, or a failed result saying why it died.
  PointResult finish();

  const DesignPoint& point() const { return m_point; }

 private:
  DesignPoint m_point;
  pid_t m_pid = -1;
  int m_result_fd = -1, m_error_fd = -1;
  std::string m_result, m_errors, m_kill_reason;
  std::chrono::steady_clock::time_point m_start;
};

// Evaluates `point` in a child and waits for it (MPI workers), killing it after
// `timeout_seconds` (0: no limit).
PointResult evaluate_in_child(const DesignPoint& point, const EvalContext& context,
                              const std::optional<AccuracyResult>& known_accuracy, int threads,
                              double timeout_seconds);

}  // namespace qasim::dse
