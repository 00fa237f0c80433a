// qasim info [MODEL]: what this build can do, or a model's per-layer table.
#include <fmt/format.h>
#include <systemc.h>

#include <filesystem>

#include "arch/registry.h"
#include "dse/commands.h"
#include "dse/model_loader.h"
#include "dse/model_table.h"
#include "kernels/build_info.h"
#include "workloads/datasets/dataset.h"
#include "workloads/zoo/zoo.h"

namespace qasim::dse {

namespace {

void print_build_info() {
  fmt::print("qasim {}\n", kVersion);
  fmt::print("  compiler        {} (C++{})\n", __VERSION__, __cplusplus / 100 % 100);
  fmt::print("  SystemC         {}\n", sc_core::sc_release());
  fmt::print("  int8 kernels    {}\n", kernels::have_onednn()
                                           ? "oneDNN accumulators, qasim requantization"
                                           : "built-in exact GEMM");
  fmt::print("  CPU features    {}\n", kernels::cpu_features());
  fmt::print("  threads         {}\n", kernels::max_threads());
  fmt::print("  CUDA            not used by this release (the CUDA trainer arrives later)\n");
  arch::Registry registry;
  arch::register_all(registry);
  std::string names;
  for (const arch::ArchInfo& a : registry.all()) names += (names.empty() ? "" : ", ") + a.name;
  fmt::print("  accelerators    {}\n",
             names.empty() ? std::string("none in this build") : names + " (qasim list-archs)");
  fmt::print("  model zoo       {} networks (qasim zoo list)\n", workloads::zoo_list().size());
  const bool fmnist = std::filesystem::exists(workloads::kFashionMnistDir);
  fmt::print("  Fashion-MNIST   {}\n",
             fmnist ? std::string(workloads::kFashionMnistDir)
                    : "not installed (apt-get install dataset-fashion-mnist)");
}

}  // namespace

int cmd_info(const std::vector<std::string>& args) {
  ModelOptions model;
  po::options_description options("options");
  model.add_to(options);
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim info [MODEL] [model options]\n\n"
                  "Without a model: this build's features. With a model (zoo:NAME or a\n"
                  ".onnx file): its per-layer table with shapes, precision, MACs, params.",
                  options, positional, vm))
    return kExitOk;
  if (model.spec.empty()) {
    print_build_info();
    return kExitOk;
  }
  const workloads::Graph graph = load_model(model, /*with_weights=*/false);
  fmt::print("{}", model_table(graph));
  return kExitOk;
}

}  // namespace qasim::dse
