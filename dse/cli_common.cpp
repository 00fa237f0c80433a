#include "dse/cli_common.h"

#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "workloads/errors.h"

namespace qasim::dse {

bool parse_args(const std::vector<std::string>& args, const std::string& usage,
                const po::options_description& options,
                const po::positional_options_description& positional, po::variables_map& vm) {
  po::options_description all;
  all.add(options);
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::ostringstream help;
      help << all;
      fmt::print("{}\n\n{}", usage, help.str());
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  const fs::path temp = target.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary);
    if (!out) throw workloads::InputError(path, "cannot write file");
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("writing " + path + " failed (disk full?)");
  }
  fs::rename(temp, target);
}

bool stderr_is_tty() {
  return ::isatty(STDERR_FILENO) == 1;
}

}  // namespace qasim::dse
