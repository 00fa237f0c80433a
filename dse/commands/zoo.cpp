// qasim zoo list: the networks `zoo:NAME` can name, with their default shapes and size.
#include <fmt/format.h>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/table.h"
#include "workloads/zoo/zoo.h"

namespace qasim::dse {

int cmd_zoo(const std::vector<std::string>& args) {
  std::string action;
  po::options_description options("options");
  options.add_options()("action", po::value(&action), "list");
  po::positional_options_description positional;
  positional.add("action", 1);
  po::variables_map vm;
  if (!parse_args(args, "usage: qasim zoo list\n\nLists the networks of the model zoo.", options,
                  positional, vm))
    return kExitOk;
  if (action != "list")
    throw UsageError(action.empty() ? "missing action (list)"
                                    : "unknown action '" + action + "' (list)");
  Table t({"model", "input", "classes", "suits", "MACs", "params", "description"});
  for (const workloads::ZooEntry& e : workloads::zoo_list()) {
    const workloads::Graph g = workloads::make_zoo_model(e.name, {}, /*with_weights=*/false);
    t.add_row({"zoo:" + e.name, workloads::to_string(e.default_input),
               std::to_string(e.default_classes), e.dataset,
               human_count(static_cast<double>(workloads::learned_macs(g))),
               human_count(static_cast<double>(workloads::learned_params(g))), e.description});
  }
  fmt::print(
      "{}\nAny input shape, width multiplier and per-layer precision can be set: see "
      "`qasim info --help`.\n",
      t.render());
  return kExitOk;
}

}  // namespace qasim::dse
