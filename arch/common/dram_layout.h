// Where an accelerator's tensors live in DRAM: every tensor on its own 4 KiB page, a
// reinterpretation sharing its input's address. Each model says how many bytes a layer's
// output and weights take; the page planning and the capacity check are the same for all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/mem_types.h"
#include "workloads/graph.h"

namespace qasim::arch {

using DramRequest = sim::DramAccess;

struct DramLayout {
  std::vector<uint64_t> act;     // per layer: its output
  std::vector<uint64_t> weight;  // per layer: its weights (weighted layers)
  uint64_t bytes = 0;            // end of the last tensor
};

// How one model sizes a layer's tensors.
struct DramSizing {
  // Layer i (i > 0) reinterprets its first input: same address, no new tensor.
  std::function<bool(size_t)> aliases_input;
  std::function<uint64_t(size_t)> output_bytes;
  // Bytes of layer i's weights; none for a layer whose weights get no DRAM tensor.
  std::function<std::optional<uint64_t>(size_t)> weight_bytes;
};

// Pages in layer order (each output, then its weights). InputError, naming `model`, when
// the network needs more than `capacity_bytes` (dram.capacity_bytes).
DramLayout plan_dram_pages(const workloads::Graph& graph, const DramSizing& sizing,
                           const std::string& model, int64_t capacity_bytes);

}  // namespace qasim::arch
