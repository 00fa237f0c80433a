// Runs tests/kernels/oracles/qat_oracle.py (PyTorch autograd) for the QAT method tests.
// Floats travel as C hex floats both ways, so nothing is lost in the text.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/kernels/oracles/oracle.h"

namespace qasim::test {

inline std::string hex_float(float v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", static_cast<double>(v));
  return buf;
}

inline std::string hex_floats(const std::vector<float>& values) {
  std::string text;
  for (float v : values) text += hex_float(v) + " ";
  return text;
}

// Feeds `input` (one case per line) to qat_oracle.py; returns its output lines as floats.
inline std::vector<std::vector<float>> run_qat_oracle(const std::string& input) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem =
      "qasim_qat_oracle_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto in_path = dir / (stem + ".in");
  const auto out_path = dir / (stem + ".out");
  std::ofstream(in_path) << input;
  const std::string cmd = std::string("/usr/bin/python3 ") + QASIM_SOURCE_DIR +
                          "/tests/kernels/oracles/qat_oracle.py < " + in_path.string() + " > " +
                          out_path.string();
  const int rc = std::system(cmd.c_str());
  std::vector<std::vector<float>> lines;
  std::ifstream out(out_path);
  for (std::string line; std::getline(out, line);) {
    std::istringstream fields(line);
    lines.emplace_back();
    for (std::string token; fields >> token;)
      lines.back().push_back(std::strtof(token.c_str(), nullptr));
  }
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  if (rc != 0) throw std::runtime_error("qat oracle failed: " + cmd);
  return lines;
}

}  // namespace qasim::test
