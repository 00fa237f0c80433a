#include "arch/registry.h"

#include <fmt/format.h>

#include <stdexcept>

#include "arch/eie/register.h"
#include "arch/nvdla/register.h"
#include "arch/unpu/register.h"
#include "sim/params.h"
#include "sim/yaml_params.h"
#include "workloads/errors.h"

namespace qasim::arch {

void Registry::add(ArchInfo info) {
  if (find(info.name)) throw std::logic_error("accelerator registered twice: " + info.name);
  m_archs.push_back(std::move(info));
}

const ArchInfo* Registry::find(const std::string& name) const {
  for (const ArchInfo& a : m_archs)
    if (a.name == name) return &a;
  return nullptr;
}

void register_all(Registry& registry) {
  // The accelerator models (NVDLA-, UNPU-, EIE-style) register here as they land.
  nvdla::register_archs(registry);
  unpu::register_archs(registry);
  eie::register_archs(registry);
}

std::unique_ptr<Accelerator> make_accelerator(const std::string& name_or_yaml) {
  Registry registry;
  register_all(registry);
  std::string names;
  for (const ArchInfo& a : registry.all()) names += (names.empty() ? "" : ", ") + a.name;
  const bool is_file = name_or_yaml.ends_with(".yaml") || name_or_yaml.ends_with(".yml");
  if (!is_file) {
    const ArchInfo* info = registry.find(name_or_yaml);
    if (!info)
      throw std::invalid_argument(fmt::format(
          "unknown accelerator '{}' (known: {}; or a params .yaml file)", name_or_yaml, names));
    return info->make();
  }
  // The file's `preset:` says which accelerator family reads the rest.
  const YAML::Node node = sim::load_yaml_file(name_or_yaml);
  const YAML::Node preset = node.IsMap() ? node[sim::kPresetKey] : YAML::Node();
  if (!preset)
    throw workloads::InputError(
        sim::yaml_place(node, name_or_yaml),
        fmt::format("say which accelerator the params are for with `preset: NAME` (one of: {})",
                    names));
  const std::string name = sim::yaml_scalar<std::string>(preset, sim::kPresetKey, name_or_yaml);
  const ArchInfo* info = registry.find(name);
  if (!info)
    throw workloads::InputError(sim::yaml_place(preset, name_or_yaml),
                                fmt::format("unknown preset '{}' (one of: {})", name, names));
  return info->from_file(name_or_yaml);
}

}  // namespace qasim::arch
