#include "arch/common/timing_graph.h"

#include <algorithm>

namespace qasim::arch {

workloads::Graph timing_graph(const workloads::Graph& graph) {
  workloads::Graph g = graph;
  for (workloads::Layer& l : g.layers) l.weights = kernels::IntTensor();
  g.infer_shapes();
  return g;
}

size_t label_index(sim::CounterVector& counter, const std::string& label) {
  const auto& labels = counter.labels();
  return std::find(labels.begin(), labels.end(), label) != labels.end() ? counter.index_of(label)
                                                                        : counter.add_label(label);
}

}  // namespace qasim::arch
