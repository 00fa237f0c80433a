#include "dse/arch_select.h"

#include <fmt/format.h>

#include <filesystem>

#include "arch/registry.h"
#include "dse/cli_common.h"

namespace qasim::dse {

SelectedArch select_arch(const std::string& spec) {
  const bool is_file = spec.size() > 5 && (spec.ends_with(".yaml") || spec.ends_with(".yml"));
  if (is_file) {
    if (!std::filesystem::exists(spec))
      throw UsageError(fmt::format("--arch file '{}' does not exist", spec));
    return {spec, arch::nvdla::NvdlaParams::schema().parse_file(spec)};
  }
  arch::Registry registry;
  arch::register_all(registry);
  if (!registry.find(spec)) {
    std::string names;
    for (const arch::ArchInfo& a : registry.all()) names += (names.empty() ? "" : ", ") + a.name;
    throw UsageError(
        fmt::format("unknown accelerator '{}' (known: {}; or a params .yaml file)", spec, names));
  }
  return {spec, arch::nvdla::NvdlaParams::schema().preset_value(spec)};
}

}  // namespace qasim::dse
