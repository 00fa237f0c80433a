// Shared pieces of the qasim subcommands: option parsing with --help, error reporting
// with the exit-code contract, and output helpers.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace qasim::dse {

namespace po = boost::program_options;

// Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

// A wrong flag, a missing argument, an impossible combination.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Command {
  std::string name;
  std::string summary;  // one line for `qasim --help`
  std::function<int(const std::vector<std::string>& args)> run;
};

// Parses `args` against `options` (+ positional names); prints help and returns false
// when --help was given. Throws UsageError on bad flags.
bool parse_args(const std::vector<std::string>& args, const std::string& usage,
                const po::options_description& options,
                const po::positional_options_description& positional, po::variables_map& vm);

// Writes `text` to `path` atomically (temp file + rename), creating parent folders.
void write_file_atomically(const std::string& path, const std::string& text);

// True when stderr is a terminal (progress bars redraw in place then).
bool stderr_is_tty();

}  // namespace qasim::dse
