// Runs tests/kernels/oracles/kernels_oracle.py (PyTorch + numpy + exact Python integers) as an
// independent oracle for the kernels tests. Tests skip when /usr/bin/python3 lacks torch.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace qasim::test {

inline bool python_has_torch() {
  static const bool ok =
      std::system("/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1") == 0;
  return ok;
}

// Feeds `input` (one case per line) to the oracle; returns its output lines as integers.
inline std::vector<std::vector<int64_t>> run_oracle(const std::string& input) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem =
      "qasim_oracle_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto in_path = dir / (stem + ".in");
  const auto out_path = dir / (stem + ".out");
  std::ofstream(in_path) << input;
  const std::string cmd = std::string("/usr/bin/python3 ") + QASIM_SOURCE_DIR +
                          "/tests/kernels/oracles/kernels_oracle.py < " + in_path.string() + " > " +
                          out_path.string();
  const int rc = std::system(cmd.c_str());
  std::vector<std::vector<int64_t>> lines;
  std::ifstream out(out_path);
  for (std::string line; std::getline(out, line);) {
    std::istringstream fields(line);
    lines.emplace_back();
    for (int64_t v; fields >> v;) lines.back().push_back(v);
  }
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  if (rc != 0) throw std::runtime_error("oracle failed: " + cmd);
  return lines;
}

}  // namespace qasim::test
