// Graph helpers the fast and cycle models of an accelerator share.
#pragma once

#include <cstddef>
#include <string>

#include "sim/stats.h"
#include "workloads/graph.h"

namespace qasim::arch {

// The graph with shapes inferred and weights dropped: all the timing needs.
workloads::Graph timing_graph(const workloads::Graph& graph);

// The index of `label` in `counter`, added when new (MAC precision labels shared by layers).
size_t label_index(sim::CounterVector& counter, const std::string& label);

}  // namespace qasim::arch
