#include "arch/nvdla/actions.h"

#include <string>

namespace qasim::arch::nvdla {

namespace {

// "w4a8" -> {4, 8}; {0, 0} when the label is not of that form.
std::pair<int, int> precision_of(const std::string& label) {
  const size_t a = label.find('a');
  if (label.size() < 4 || label[0] != 'w' || a == std::string::npos) return {0, 0};
  return {std::stoi(label.substr(1, a - 1)), std::stoi(label.substr(a + 1))};
}

}  // namespace

std::vector<sim::cost::LayerActions> layer_actions(const sim::StatsRecorder& recorder,
                                                   const NvdlaParams& p) {
  const std::vector<sim::StatEntry>& entries = recorder.entries();
  const std::string mac_prefix = "nvdla.cmac.mac[";
  const int acc = p.accumulator_bits;
  const uint64_t bank = static_cast<uint64_t>(p.cbuf_bank_bytes);
  std::vector<sim::cost::LayerActions> out;
  for (const sim::LayerStats& layer : recorder.layers()) {
    const auto count = [&](const std::string& path) {
      return layer.values[recorder.index(path)].count;
    };
    sim::cost::LayerActions la{layer.name, {}};
    const auto add = [&la](std::string component, std::string kind, std::vector<int> bits,
                           uint64_t n) {
      if (n) la.actions.push_back({std::move(component), std::move(kind), std::move(bits), n});
    };
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string& path = entries[i].path;
      if (!path.starts_with(mac_prefix)) continue;
      const auto [w, a] =
          precision_of(path.substr(mac_prefix.size(), path.size() - mac_prefix.size() - 1));
      add("cmac", "mac", {w, a, acc}, layer.values[i].count);
    }
    add("cacc", "add", {acc}, count("nvdla.cmac.busy_cycles") * static_cast<uint64_t>(p.atomic_k));
    add("cbuf", "sram_read", {p.cbuf_bank_bytes * 8},
        (count("nvdla.cbuf.read_bytes") + bank - 1) / bank);
    add("cbuf", "sram_write", {p.cbuf_bank_bytes * 8},
        (count("nvdla.cbuf.write_bytes") + bank - 1) / bank);
    add("sdp", "mult", {p.mulshift_bits, acc}, count("nvdla.sdp.ops"));
    add("sdp", "add", {acc}, count("nvdla.sdp.ops"));
    add("pdp", "add", {acc}, count("nvdla.pdp.ops"));
    add("dram", "dram_read", {}, count("nvdla.dram.read_bytes"));
    add("dram", "dram_write", {}, count("nvdla.dram.write_bytes"));
    if (!la.actions.empty()) out.push_back(std::move(la));
  }
  return out;
}

}  // namespace qasim::arch::nvdla
