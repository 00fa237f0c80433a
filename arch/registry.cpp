#include "arch/registry.h"

#include <stdexcept>

#include "arch/nvdla/register.h"

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
}

}  // namespace qasim::arch
