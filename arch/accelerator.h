// What every accelerator model offers the CLI and the DSE driver, whatever its structure:
// timing and action counts of a network (fast or cycle mode), the values it computes
// (bit-exact against the golden reference run with numerics()), and its inventory.
// Lifecycle of a run: construct from params → run() (compiles, elaborates in cycle mode,
// runs, finalizes the stats) → read the RunResult. Energy and area are not here: the cost
// model (sim/cost/) turns `actions` and inventory() into them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/numerics.h"
#include "kernels/tensor.h"
#include "sim/cost/actions.h"
#include "sim/stats_report.h"
#include "workloads/graph.h"

namespace qasim::arch {

enum class Mode { Fast, Cycle };
std::string to_string(Mode m);
Mode mode_from_string(const std::string& s);  // throws std::invalid_argument

struct LayerResult {
  std::string name;
  std::string unit;          // the engine that ran it ("conv", "pdp", ...; "" when none)
  uint64_t start = 0;        // cycle the layer began
  uint64_t cycles = 0;       // until its last output was written
  uint64_t busy_cycles = 0;  // cycles the compute array worked
  int64_t macs = 0;          // useful multiply-accumulates
  size_t tiles = 0;          // work items the compiler split the layer into
  double utilization = 0;    // macs / (cycles * peak MACs per cycle)
};

struct RunResult {
  std::vector<LayerResult> layers;  // one per graph layer
  uint64_t cycles = 0;
  double seconds = 0;            // at the accelerator's clock
  double frames_per_second = 0;  // one sample per run
  double utilization = 0;        // over the whole run
  // The run's counters, per layer and in total (json(), csv(), total_count(path)); it
  // keeps what it needs alive, so it outlives the model that ran.
  std::shared_ptr<const sim::StatsRecorder> stats;
  std::vector<sim::cost::LayerActions> actions;  // per layer that did work
};

class Accelerator {
 public:
  virtual ~Accelerator() = default;
  // Preset name or the params file it was read from.
  virtual const std::string& name() const = 0;
  virtual double clock_mhz() const = 0;
  virtual int64_t peak_macs_per_cycle() const = 0;
  // The arithmetic the golden reference must use to match this accelerator bit for bit.
  virtual kernels::Numerics numerics() const = 0;
  // The params, one "key: value" per line (YAML), for reports and config hashes.
  virtual std::string params_yaml() const = 0;

  // Timing and counts of one sample through `graph` (shapes inferred; weights not needed).
  // InputError when the network cannot run. Cycle mode elaborates SystemC: once per process.
  virtual RunResult run(const workloads::Graph& graph, Mode mode) const = 0;
  // The same for one sample `input` [1, C, H, W]: models whose timing depends on the values
  // (zero skipping) override this; the others time the data-independent run().
  // True when timing depends on weight and activation values (run_with_input with a real
  // input, a graph with weights); false when shapes and bits decide it.
  virtual bool timing_needs_values() const { return false; }
  virtual RunResult run_with_input(const workloads::Graph& graph, const kernels::IntTensor& input,
                                   Mode mode) const {
    (void)input;
    return run(graph, mode);
  }
  // Every layer's output for a batch [N, C, H, W] of input integers, computed the way the
  // accelerator computes (index = layer index; entry 0 is the input).
  virtual std::vector<kernels::IntTensor> execute(const workloads::Graph& graph,
                                                  const kernels::IntTensor& input) const = 0;
  virtual std::vector<sim::cost::InventoryItem> inventory() const = 0;

  // Cycle-mode runs after this write a VCD waveform (GTKWave) of the units to `vcd_path`;
  // "" turns it off. Models without tracing keep this default, which throws
  // std::invalid_argument naming the model.
  virtual void set_trace(const std::string& vcd_path);
};

}  // namespace qasim::arch
