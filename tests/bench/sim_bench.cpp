// Simulation speed of an accelerator model: fast-mode evaluations per second, and one
// cycle-mode run (simulated MACs per host-second, wall time, peak memory), each cycle run
// in a forked child because SystemC elaborates once per process.
//
//   sim_bench MODEL ARCH [INPUT_SIZE] [FAST_REPEATS]
// prints one line of key=value figures; scripts/bench_nvdla.sh writes them to results/.
#include <fmt/core.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "arch/registry.h"
#include "workloads/zoo/zoo.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int64_t useful_macs(const qasim::workloads::Graph& g) {
  int64_t macs = 0;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].has_weights()) macs += g.layer_macs(i);
  return macs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sim_bench MODEL ARCH [INPUT_SIZE] [FAST_REPEATS]\n");
    return 2;
  }
  const std::string model = argv[1], arch_name = argv[2];
  qasim::workloads::ZooOptions zo;
  if (argc > 3) zo.input_height = zo.input_width = std::atoi(argv[3]);
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 200;
  qasim::workloads::Graph g = qasim::workloads::make_zoo_model(model, zo, false);
  g.infer_shapes();
  const auto accel = qasim::arch::make_accelerator(arch_name);
  const int64_t macs = useful_macs(g);

  // Fast mode: whole evaluations (compile + timing + stats) in this process.
  const auto t0 = Clock::now();
  uint64_t fast_cycles = 0;
  for (int r = 0; r < repeats; ++r) fast_cycles = accel->run(g, qasim::arch::Mode::Fast).cycles;
  const double fast_s = seconds_since(t0) / repeats;

  // Cycle mode in a child; it reports through a pipe: cycles, seconds, peak RSS.
  int fd[2];
  if (pipe(fd) != 0) return 1;
  const pid_t child = fork();
  if (child == 0) {
    close(fd[0]);
    const auto t1 = Clock::now();
    const qasim::arch::RunResult r = accel->run(g, qasim::arch::Mode::Cycle);
    const double s = seconds_since(t1);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const std::string line =
        fmt::format("{} {} {}\n", r.cycles, s, static_cast<long>(usage.ru_maxrss));
    if (write(fd[1], line.data(), line.size()) < 0) _exit(1);
    _exit(0);
  }
  close(fd[1]);
  char buf[256] = {};
  const ssize_t n = read(fd[0], buf, sizeof buf - 1);
  int status = 0;
  waitpid(child, &status, 0);
  unsigned long long cycle_cycles = 0;
  double cycle_s = 0;
  long rss_kib = 0;
  if (n <= 0 || std::sscanf(buf, "%llu %lf %ld", &cycle_cycles, &cycle_s, &rss_kib) != 3) {
    std::fprintf(stderr, "cycle-mode child failed\n");
    return 1;
  }
  fmt::print(
      "model={} arch={} input={} macs={} cycles_fast={} cycles_cycle={} fps={:.1f} "
      "fast_evals_per_s={:.0f} cycle_seconds={:.3f} cycle_sim_cycles_per_s={:.3g} "
      "cycle_macs_per_host_s={:.3g} cycle_peak_rss_mib={:.0f}\n",
      model, arch_name, g.input().output_shape.h, macs, fast_cycles, cycle_cycles,
      accel->clock_mhz() * 1e6 / static_cast<double>(cycle_cycles), 1.0 / fast_s, cycle_s,
      cycle_cycles / cycle_s, macs / cycle_s, rss_kib / 1024.0);
  return fast_cycles == cycle_cycles ? 0 : 1;
}

// libsystemc.so refers to sc_main; main above is the entry point.
extern "C" int sc_main(int, char**) {
  return 1;
}
