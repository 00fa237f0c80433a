#include "dse/cli.h"

#include <fmt/core.h>

namespace qasim::dse {

int run_cli(int /*argc*/, char** /*argv*/) {
  fmt::print("qasim\n");
  return 0;
}

}  // namespace qasim::dse
