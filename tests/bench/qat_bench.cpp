// Throughput of the QAT fake quantizers (kernels/qat) on one large activation-sized
// tensor: forward (evaluation) and backward per method, in elements per nanosecond, with
// a plain copy of the same tensor (the "fp" method) as the memory-bound yardstick, all in
// one process so the ratios mean something on a shared machine. Prints markdown.
//   qat_bench [ELEMENTS=4194304] [THREADS=2] [REPEATS=15] [METHOD: only this one and fp]
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "kernels/qat/fake_quantizer.h"

using namespace qasim::kernels::qat;

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Timing {
  double wall = 0, cpu = 0;  // medians, seconds per call
};

// Wall time and process CPU time (all threads) per call. On a shared machine the process
// is often descheduled: CPU time is the work, wall time what a user waits.
template <typename F>
Timing median_timing(int repeats, F&& f) {
  std::vector<double> wall, cpu;
  f();  // warm-up: page faults, thread pool
  for (int r = 0; r < repeats; ++r) {
    const double c0 = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    f();
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    cpu.push_back(cpu_seconds() - c0);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : int64_t{1} << 22;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 15;
  const std::string only = argc > 4 ? argv[4] : "";  // one method only
  omp_set_num_threads(threads);
  std::mt19937 gen(1);
  std::normal_distribution<float> dist(0.5f, 1.f);
  std::vector<float> x(static_cast<size_t>(n)), y(x.size()), dy(x.size()), dx(x.size());
  for (auto& v : x) v = dist(gen);
  for (auto& v : dy) v = dist(gen);
  const int64_t rows = 64;  // a batch of 64 samples

  struct Case {
    std::string method;
    Role role;
    int bits;
  };
  const std::vector<Case> cases = {
      {"fp", Role::Activation, 32},  {"bnn", Role::Activation, 1},  {"dorefa", Role::Activation, 4},
      {"dorefa", Role::Weight, 4},   {"hwgq", Role::Activation, 2}, {"pact", Role::Activation, 4},
      {"lsq", Role::Activation, 4},  {"int", Role::Activation, 8},  {"fixed", Role::Activation, 8},
      {"dorefa", Role::Gradient, 8},
  };
  fmt::print("{} elements ({} rows), {} OpenMP threads, median of {} calls\n\n", n, rows, threads,
             repeats);
  fmt::print(
      "| method | role | bits | forward elem/ns (wall) | backward elem/ns (wall) | "
      "forward elem/ns per CPU-second | backward elem/ns per CPU-second | forward / copy (CPU) "
      "|\n");
  fmt::print("|---|---|---:|---:|---:|---:|---:|---:|\n");
  double copy_rate = 0;
  for (const Case& c : cases) {
    if (!only.empty() && c.method != only && c.method != "fp") continue;
    QuantizerSpec spec;
    spec.method = c.method;
    spec.role = c.role;
    spec.bits = c.bits;
    auto q = make_quantizer(spec);
    std::mt19937 rng(7);
    // Gradient quantizers run in training (their noise is the point); others evaluate.
    const bool training = c.role == Role::Gradient;
    q->forward(x, y, rows, true, rng);  // initialises LSQ's step and int's range
    const Timing fwd = median_timing(repeats, [&] { q->forward(x, y, rows, training, rng); });
    const Timing bwd = median_timing(repeats, [&] { q->backward(x, dy, dx, rows); });
    const auto rate = [&](double seconds) { return static_cast<double>(n) / seconds * 1e-9; };
    if (c.method == "fp") copy_rate = rate(fwd.cpu);
    fmt::print("| {} | {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} |\n", c.method,
               to_string(c.role), c.bits, rate(fwd.wall), rate(bwd.wall), rate(fwd.cpu),
               rate(bwd.cpu), rate(fwd.cpu) / copy_rate);
  }
  return 0;
}
