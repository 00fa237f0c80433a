// Runs a SystemC harness in a child process. SystemC elaborates once per process, so each
// harness gets a fresh kernel (and a timeout); the parent compares what it returns.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace qasim::sim::testing {

// Runs `harness` in a forked child and returns the numbers it produced. Throws
// std::runtime_error when the child throws, crashes or runs past `timeout_s`.
inline std::vector<uint64_t> run_in_child(const std::function<std::vector<uint64_t>()>& harness,
                                          int timeout_s = 120) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  // Unflushed output would otherwise be written twice, once by each process.
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    int code = 0;
    std::string out;
    try {
      const std::vector<uint64_t> values = harness();
      out.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(uint64_t));
    } catch (const std::exception& e) {
      out = std::string("E") + e.what();
      code = 3;
    }
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) _exit(4);
      done += static_cast<size_t>(n);
    }
    close(fds[1]);
    _exit(code);  // no atexit handlers: the parent's gtest state is not the child's to tear down
  }
  close(fds[1]);
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) throw std::runtime_error("SystemC harness timed out");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("SystemC harness failed (status " + std::to_string(status) +
                             "): " + (data.empty() ? "" : data.substr(1)));
  std::vector<uint64_t> values(data.size() / sizeof(uint64_t));
  std::copy(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(values.size() * 8),
            reinterpret_cast<char*>(values.data()));
  return values;
}

}  // namespace qasim::sim::testing
