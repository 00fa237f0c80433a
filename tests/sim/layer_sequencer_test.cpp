// LayerSequencer: layers without work finish at the edge they start, a layer with work
// finishes at the edge its unit's "done" becomes visible (one register hop after the
// unit pushes it), the next layer starts at that same edge, and the simulation stops after
// the last layer. Expected edges are derived by hand in the test comments.
#include "sim/layer_sequencer.h"

#include <gtest/gtest.h>

#include <systemc>

#include "endpoint.h"
#include "sc_child.h"

namespace qasim::sim {
namespace {

using testing::Endpoint;
using testing::run_in_child;

// Per layer: start edge, end edge; then the number of recorded layers and `finished`.
std::vector<uint64_t> run_layers(const std::vector<uint64_t>& work) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  StatGroup root("root");
  Counter ops(root, "ops", "ops", "edges the unit worked");
  StatsRecorder recorder(root);
  Channel<size_t> commands("commands", kDeepChannel);
  std::vector<uint64_t> out;
  LayerSequencer::Hooks hooks;
  hooks.layers = work.size();
  hooks.name = [](size_t i) { return "layer" + std::to_string(i); };
  hooks.start = [&](size_t i) {
    if (work[i] == 0) return false;
    commands.push(i);
    return true;
  };
  hooks.finish = [&](size_t, uint64_t start, uint64_t end) { out.insert(out.end(), {start, end}); };
  LayerSequencer sequencer("sequencer", recorder, hooks);
  // The unit: takes a command, works work[i] edges, then reports done.
  bool busy = false;
  uint64_t due = 0;
  Endpoint unit("unit", [&](uint64_t c) {
    if (!busy && commands.valid()) {
      due = c + work[commands.pop()];
      busy = true;
    }
    if (busy && c >= due) {
      ops += 1;
      sequencer.done.push(0);
      busy = false;
    }
  });
  sequencer.clk(clk);
  unit.clk(clk);
  sc_core::sc_start(1000, sc_core::SC_NS);
  recorder.finalize();
  out.push_back(recorder.layers().size());
  out.push_back(sequencer.finished ? 1 : 0);
  return out;
}

TEST(LayerSequencer, StartsFinishesAndStops) {
  // Edge 0: layer 0 (no work) starts and finishes; layer 1 is sent. The unit sees it at
  // edge 1, is due at 1 + 3 = 4 and pushes done there; the sequencer sees it at edge 5,
  // finishes layer 1, runs layer 2 (no work) at 5 and sends layer 3: seen at 6, due at 7,
  // done seen at 8. Then it stops.
  const std::vector<uint64_t> got = run_in_child([] { return run_layers({0, 3, 0, 1}); });
  const std::vector<uint64_t> want = {0, 0, 0, 5, 5, 5, 5, 8, 4, 1};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace qasim::sim
