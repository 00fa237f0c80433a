#include "dse/arch_select.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "arch/registry.h"
#include "dse/cli_common.h"

namespace qasim::dse {

std::unique_ptr<arch::Accelerator> select_arch(const std::string& spec) {
  const bool is_file = spec.ends_with(".yaml") || spec.ends_with(".yml");
  if (is_file && !std::filesystem::exists(spec))
    throw UsageError(fmt::format("--arch file '{}' does not exist", spec));
  try {
    return arch::make_accelerator(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

}  // namespace qasim::dse
