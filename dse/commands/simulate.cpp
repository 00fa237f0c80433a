// qasim simulate: a quantized model on an accelerator model — per-layer cycles, MAC
// utilization and action counts (fast or cycle mode), with every layer's output checked
// bit for bit against the golden reference run with the accelerator's numerics.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "dse/arch_select.h"
#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/cost_report.h"
#include "dse/layer_dump.h"
#include "dse/model_loader.h"
#include "dse/table.h"
#include "workloads/golden_engine.h"
#include "workloads/npy.h"

namespace qasim::dse {

namespace {

struct SimulateOptions {
  ModelOptions model;
  DatasetOptions dataset;
  CostOptions cost;
  std::string arch = "nvdla_small", mode = "fast", out_dir, input_npy, dump_dir;
  int64_t images = 1;
};

// Runs the accelerator's datapath and the golden reference on the same input; returns
// the names of the layers whose outputs differ (none, when the model is bit-exact).
std::vector<std::string> check_bit_exact(const workloads::Graph& graph,
                                         const arch::Accelerator& accel,
                                         const kernels::IntTensor& input,
                                         std::vector<kernels::IntTensor>& outputs) {
  outputs = accel.execute(graph, input);
  const auto golden = workloads::GoldenEngine(graph, accel.numerics()).run_all(input);
  std::vector<std::string> differing;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!(outputs[i] == golden[i])) differing.push_back(graph.layers[i].name);
  return differing;
}

nlohmann::json timing_json(const arch::RunResult& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const arch::LayerResult& l : r.layers)
    layers.push_back({{"name", l.name},
                      {"unit", l.unit},
                      {"start_cycle", l.start},
                      {"cycles", l.cycles},
                      {"mac_cycles", l.busy_cycles},
                      {"macs", l.macs},
                      {"tiles", l.tiles},
                      {"mac_utilization", l.utilization}});
  return {{"layers", layers},
          {"cycles", r.cycles},
          {"seconds", r.seconds},
          {"frames_per_second", r.frames_per_second},
          {"mac_utilization", r.utilization}};
}

nlohmann::json actions_json(const std::vector<sim::cost::LayerActions>& per_layer) {
  nlohmann::json out = nlohmann::json::array();
  for (const sim::cost::LayerActions& l : per_layer) {
    nlohmann::json actions = nlohmann::json::array();
    for (const sim::cost::Action& a : l.actions)
      actions.push_back(
          {{"component", a.component}, {"kind", a.kind}, {"bits", a.bits}, {"count", a.count}});
    out.push_back({{"layer", l.layer}, {"actions", actions}});
  }
  return out;
}

nlohmann::json inventory_json(const std::vector<sim::cost::InventoryItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const sim::cost::InventoryItem& item : items)
    out.push_back({{"component", item.component},
                   {"kind", item.kind},
                   {"count", item.count},
                   {"size", item.size},
                   {"unit", item.unit},
                   {"bits", item.bits},
                   {"banks", item.banks},
                   {"ports", item.ports}});
  return out;
}

std::string timing_table(const arch::RunResult& r) {
  Table t({"layer", "unit", "cycles", "MACs", "tiles", "MAC util %"});
  for (const arch::LayerResult& l : r.layers) {
    if (l.cycles == 0) continue;
    t.add_row({l.name, l.unit, std::to_string(l.cycles), human_count(static_cast<double>(l.macs)),
               std::to_string(l.tiles), l.macs ? fmt::format("{:.1f}", 100 * l.utilization) : ""});
  }
  return t.render();
}

}  // namespace

int cmd_simulate(const std::vector<std::string>& args) {
  SimulateOptions o;
  po::options_description options("options");
  o.model.add_to(options);
  o.dataset.add_to(options);
  o.cost.add_to(options);
  options.add_options()(
      "arch,a", po::value(&o.arch)->default_value("nvdla_small"),
      "accelerator: a name from `qasim list-archs`, or a params .yaml (preset: NAME + overrides)")(
      "mode", po::value(&o.mode)->default_value("fast"),
      "fast (no clock stepping, for sweeps) or cycle (SystemC, clock by clock); same counts")(
      "images,n", po::value(&o.images)->default_value(1),
      "dataset images run through the datapath and checked against the golden reference")(
      "input", po::value(&o.input_npy), "run this input tensor (.npy) instead of dataset images")(
      "dump-outputs", po::value(&o.dump_dir), "write every layer's integer output as .npy")(
      "out,o", po::value(&o.out_dir), "write report.json and stats.json/.csv into DIR");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse_args(
          args,
          "usage: qasim simulate --model MODEL --arch ARCH [--mode fast|cycle] [--out DIR]\n"
          "                      [--tech FILE] [--node NM] [--voltage V] [--dram TYPE]\n\n"
          "Simulates the model on an accelerator: per-layer cycles, MAC utilization, DRAM\n"
          "and buffer traffic, energy, area and efficiency (cost model), and a bit-exactness\n"
          "check of every layer's output.",
          options, positional, vm))
    return kExitOk;
  if (o.mode != "fast" && o.mode != "cycle")
    throw UsageError(fmt::format("--mode '{}' must be fast or cycle", o.mode));
  if (o.images <= 0 || o.images > 1024) throw UsageError("--images must be in [1, 1024]");
  const std::unique_ptr<arch::Accelerator> accel = select_arch(o.arch);
  const sim::cost::Technology tech = o.cost.technology();

  kernels::IntTensor input;
  workloads::Graph graph;
  if (!o.input_npy.empty()) {
    input = workloads::read_npy(o.input_npy);
    if (input.rank() == 3) input = input.reshaped({1, input.dim(0), input.dim(1), input.dim(2)});
    graph = load_model(o.model, true);
  } else {
    const workloads::Dataset data = load_dataset(o.dataset);
    graph = load_model(o.model, true, &data);
    input = workloads::to_model_input(data, 0, std::min(o.images, data.size()), graph);
  }
  graph.infer_shapes();

  // Timing and counts do not depend on the data; the datapath run checks the bits.
  const arch::RunResult timing = accel->run(graph, arch::mode_from_string(o.mode));
  const sim::cost::CostReport cost = cost_of_run(timing, *accel, tech);
  std::vector<kernels::IntTensor> outputs;
  const std::vector<std::string> differing = check_bit_exact(graph, *accel, input, outputs);

  fmt::print("{} on {} ({} mode)\n\n{}", graph.name, accel->name(), o.mode, timing_table(timing));
  fmt::print("\ntotal: {} cycles, {:.3f} ms at {} MHz, {:.1f} frames/s, MAC utilization {:.1f}%\n",
             timing.cycles, 1e3 * timing.seconds, accel->clock_mhz(), timing.frames_per_second,
             100 * timing.utilization);
  fmt::print("\n{}", cost_summary(cost));
  if (differing.empty())
    fmt::print("bit-exact: every layer of {} input(s) equals the golden reference ({})\n",
               input.dim(0), accel->name());
  else
    fmt::print(stderr, "NOT bit-exact: {} layer(s) differ from the golden reference, first '{}'\n",
               differing.size(), differing.front());

  if (!o.out_dir.empty()) {
    namespace fs = std::filesystem;
    const nlohmann::json report = {{"model", graph.name},
                                   {"arch", accel->name()},
                                   {"params", accel->params_yaml()},
                                   {"mode", o.mode},
                                   {"timing", timing_json(timing)},
                                   {"bit_exact", differing.empty()},
                                   {"differing_layers", differing},
                                   {"stats", nlohmann::json::parse(timing.stats_json)},
                                   {"actions", actions_json(timing.actions)},
                                   {"inventory", inventory_json(accel->inventory())},
                                   {"cost", cost_json(cost)}};
    write_file_atomically((fs::path(o.out_dir) / "report.json").string(), report.dump(2) + "\n");
    write_file_atomically((fs::path(o.out_dir) / "stats.csv").string(), timing.stats_csv);
    fmt::print("wrote {}/report.json and stats.csv\n", o.out_dir);
  }
  if (!o.dump_dir.empty()) dump_layer_outputs(o.dump_dir, graph, outputs);
  return differing.empty() ? kExitOk : kExitFailure;
}

}  // namespace qasim::dse
