// The qasim command line: subcommands, exit codes 0 ok / 1 runtime failure / 2 bad input.
#pragma once

namespace qasim::dse {

int run_cli(int argc, char** argv);

}  // namespace qasim::dse
