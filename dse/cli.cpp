#include "dse/cli.h"

#include <fmt/core.h>

#include <exception>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "workloads/errors.h"

namespace qasim::dse {

namespace {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"info", "build and machine facts, or a model's per-layer table", cmd_info},
      {"zoo", "list the model zoo (qasim zoo list)", cmd_zoo},
      {"infer", "golden integer inference on a dataset or on one .npy input", cmd_infer},
      {"export", "write a model as quantized ONNX (QDQ or QOperator)", cmd_export},
      {"simulate", "a model on an accelerator: cycles, utilization, traffic, bit-exact check",
       cmd_simulate},
      {"train", "quantization-aware training; exports ONNX with its golden integer accuracy",
       cmd_train},
      {"compress", "Deep Compression of a trained model (pruning, weight sharing) for EIE",
       cmd_compress},
      {"list-archs", "the accelerator models of this build, with their params", cmd_list_archs},
      {"cost", "energy, area and efficiency of a hand-described design (cost model)", cmd_cost},
      {"sweep", "evaluate a sweep spec's design points into a result store (local or MPI)",
       cmd_sweep},
      {"report", "a result store as an HTML page (Pareto fronts, plots), JSON and CSV", cmd_report},
      {"compare", "design points or simulate reports side by side, with deltas and ratios",
       cmd_compare},
  };
  return all;
}

void print_usage() {
  fmt::print(
      "qasim {} — bit-accurate simulator and design-space explorer for quantized networks\n\n"
      "usage: qasim <command> [options]      (qasim <command> --help for its options)\n\n"
      "commands:\n",
      kVersion);
  for (const Command& c : commands()) fmt::print("  {:<11} {}\n", c.name, c.summary);
  fmt::print(
      "\nmodels: zoo:NAME (e.g. zoo:resnet20; see `qasim zoo list`) or a quantized .onnx file\n"
      "exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input\n");
}

}  // namespace

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage();
    return args.empty() ? kExitBadInput : kExitOk;
  }
  if (args[0] == "--version") {
    fmt::print("qasim {}\n", kVersion);
    return kExitOk;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  for (const Command& c : commands()) {
    if (c.name != name) continue;
    try {
      return c.run(args);
    } catch (const UsageError& e) {
      fmt::print(stderr, "qasim {}: error: {}\nTry 'qasim {} --help'.\n", name, e.what(), name);
      return kExitBadInput;
    } catch (const workloads::InputError& e) {
      fmt::print(stderr, "qasim {}: error: {}\n", name, e.what());
      return kExitBadInput;
    } catch (const std::exception& e) {
      fmt::print(stderr, "qasim {}: runtime failure: {}\n", name, e.what());
      return kExitFailure;
    }
  }
  fmt::print(stderr, "qasim: unknown command '{}'\nRun 'qasim --help' for the list.\n", name);
  return kExitBadInput;
}

}  // namespace qasim::dse
