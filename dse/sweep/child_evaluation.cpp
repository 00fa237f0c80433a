#include "dse/sweep/child_evaluation.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "kernels/build_info.h"

namespace qasim::dse {

namespace {

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone; nothing left to tell
    done += static_cast<size_t>(n);
  }
}

// Appends what `fd` has to `out`; closes it and sets -1 at end of file.
void drain(int& fd, std::string& out) {
  if (fd < 0) return;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close(fd);
    fd = -1;
    return;
  }
}

// The last non-empty line of a child's stderr: usually what it died of.
std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  const size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace

ChildEvaluation::ChildEvaluation(const DesignPoint& point, const EvalContext& context,
                                 const std::optional<AccuracyResult>& known_accuracy, int threads)
    : m_point(point), m_start(std::chrono::steady_clock::now()) {
  int result_pipe[2], error_pipe[2];
  if (pipe(result_pipe) != 0) throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  if (pipe(error_pipe) != 0) {
    close(result_pipe[0]);
    close(result_pipe[1]);
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  }
  std::fflush(stdout);
  std::fflush(stderr);
  m_pid = fork();
  if (m_pid < 0) {
    for (int fd : {result_pipe[0], result_pipe[1], error_pipe[0], error_pipe[1]}) close(fd);
    throw std::runtime_error("fork: " + std::string(strerror(errno)));
  }
  if (m_pid == 0) {
    // Child: evaluate, hand the result over, and leave without running the parent's
    // destructors or exit handlers (its database connection, its MPI state).
    close(result_pipe[0]);
    close(error_pipe[0]);
    dup2(error_pipe[1], STDERR_FILENO);
    close(error_pipe[1]);
    // SystemC's banners and notes ("Simulation stopped by user") would interleave with
    // the parent's progress bar: the child's stdout has nothing the sweep needs.
    if (const int null = open("/dev/null", O_WRONLY); null >= 0) {
      dup2(null, STDOUT_FILENO);
      close(null);
    }
    kernels::set_threads(threads);
    const PointResult r = evaluate_point(point, context, known_accuracy);
    write_all(result_pipe[1], r.to_json().dump());
    close(result_pipe[1]);
    _exit(0);
  }
  close(result_pipe[1]);
  close(error_pipe[1]);
  m_result_fd = result_pipe[0];
  m_error_fd = error_pipe[0];
  for (int fd : {m_result_fd, m_error_fd}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

ChildEvaluation::~ChildEvaluation() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  if (m_result_fd >= 0) close(m_result_fd);
  if (m_error_fd >= 0) close(m_error_fd);
}

bool ChildEvaluation::read_available() {
  drain(m_result_fd, m_result);
  drain(m_error_fd, m_errors);
  // Keep only the tail of a chatty child's stderr.
  constexpr size_t kKeep = 8192;
  if (m_errors.size() > 2 * kKeep) m_errors.erase(0, m_errors.size() - kKeep);
  return m_result_fd < 0 && m_error_fd < 0;
}

double ChildEvaluation::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void ChildEvaluation::kill_child(const std::string& reason) {
  m_kill_reason = reason;
  if (m_pid > 0) ::kill(m_pid, SIGKILL);
}

PointResult ChildEvaluation::finish() {
  int status = 0;
  while (m_pid > 0 && waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
  read_available();
  const std::string tail = last_line(m_errors);
  auto failed = [&](const std::string& why) {
    PointResult r = failed_result(m_point, tail.empty() ? why : why + ": " + tail);
    r.eval_seconds = seconds();
    return r;
  };
  if (!m_kill_reason.empty()) return failed(m_kill_reason);
  if (WIFSIGNALED(status))
    return failed(fmt::format("worker process killed by signal {} ({})", WTERMSIG(status),
                              strsignal(WTERMSIG(status))));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return failed(fmt::format("worker process exited with status {}", WEXITSTATUS(status)));
  try {
    return PointResult::from_json(nlohmann::json::parse(m_result));
  } catch (const nlohmann::json::exception& e) {
    return failed(std::string("worker process returned no readable result: ") + e.what());
  }
}

PointResult evaluate_in_child(const DesignPoint& point, const EvalContext& context,
                              const std::optional<AccuracyResult>& known_accuracy, int threads,
                              double timeout_seconds) {
  ChildEvaluation child(point, context, known_accuracy, threads);
  while (!child.read_available()) {
    pollfd fds[2] = {{child.result_fd(), POLLIN, 0}, {child.error_fd(), POLLIN, 0}};
    poll(fds, 2, 200);
    if (timeout_seconds > 0 && child.seconds() > timeout_seconds) {
      child.kill_child(fmt::format("timed out after {:.0f} s", timeout_seconds));
      break;
    }
  }
  return child.finish();
}

}  // namespace qasim::dse
