#include "arch/common/dram_layout.h"

#include <fmt/format.h>

#include "workloads/errors.h"

namespace qasim::arch {

namespace {

constexpr uint64_t kAlign = 4096;  // tensors start on their own DRAM pages

}  // namespace

DramLayout plan_dram_pages(const workloads::Graph& graph, const DramSizing& sizing,
                           const std::string& model, int64_t capacity_bytes) {
  DramLayout layout;
  const size_t n = graph.layers.size();
  layout.act.resize(n);
  layout.weight.resize(n);
  uint64_t next = 0;
  const auto take = [&](uint64_t bytes) {
    const uint64_t at = next;
    next = (next + bytes + kAlign - 1) / kAlign * kAlign;
    return at;
  };
  for (size_t i = 0; i < n; ++i) {
    const workloads::Layer& l = graph.layers[i];
    layout.act[i] =
        i > 0 && sizing.aliases_input(i) ? layout.act[l.inputs[0]] : take(sizing.output_bytes(i));
    if (const std::optional<uint64_t> w = sizing.weight_bytes(i)) layout.weight[i] = take(*w);
  }
  layout.bytes = next;
  if (next > static_cast<uint64_t>(capacity_bytes))
    throw workloads::InputError(
        model, fmt::format("the network needs {} bytes of DRAM, more than dram.capacity_bytes {}",
                           next, capacity_bytes));
  return layout;
}

}  // namespace qasim::arch
