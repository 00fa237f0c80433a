// qasim list-archs: every accelerator model in this build, with its params (name,
// default, unit, description) and presets.
#include <fmt/format.h>

#include <iostream>

#include "arch/registry.h"
#include "dse/cli_common.h"
#include "dse/commands.h"

namespace qasim::dse {

int cmd_list_archs(const std::vector<std::string>& args) {
  bool brief = false;
  po::options_description options("options");
  options.add_options()("brief", po::bool_switch(&brief), "names and descriptions only");
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim list-archs [--brief]\n\n"
                  "Lists the accelerator models this build contains, with their parameters.",
                  options, {}, vm))
    return kExitOk;
  arch::Registry registry;
  arch::register_all(registry);
  if (registry.all().empty()) {
    fmt::print("no accelerator models in this build\n");
    return kExitOk;
  }
  for (const arch::ArchInfo& a : registry.all()) {
    fmt::print("{:<14} {}\n", a.name, a.description);
    if (!brief && a.print_params) {
      std::cout << "\n";
      a.print_params(std::cout);
      std::cout << "\n";
    }
  }
  return kExitOk;
}

}  // namespace qasim::dse
