// One function per subcommand; each lives in dse/commands/<name>.cpp.
#pragma once

#include <string>
#include <vector>

namespace qasim::dse {

inline constexpr const char* kVersion = "0.1.0";

int cmd_info(const std::vector<std::string>& args);
int cmd_zoo(const std::vector<std::string>& args);
int cmd_infer(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);
int cmd_list_archs(const std::vector<std::string>& args);
int cmd_simulate(const std::vector<std::string>& args);
int cmd_cost(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_report(const std::vector<std::string>& args);
int cmd_compare(const std::vector<std::string>& args);
int cmd_train(const std::vector<std::string>& args);
int cmd_compress(const std::vector<std::string>& args);

}  // namespace qasim::dse
