// Accelerators by name. main() fills the registry explicitly (no static constructors),
// so `qasim list-archs` shows exactly what is linked in.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "arch/accelerator.h"

namespace qasim::arch {

struct ArchInfo {
  std::string name;
  std::string description;
  // Prints the params (name, default, unit, description) and presets; may be empty.
  std::function<void(std::ostream&)> print_params;
  // The preset's model.
  std::function<std::unique_ptr<Accelerator>()> make;
  // A model of the same family from a params .yaml (InputError naming file and line).
  std::function<std::unique_ptr<Accelerator>(const std::string& path)> from_file;
};

class Registry {
 public:
  void add(ArchInfo info);
  const std::vector<ArchInfo>& all() const { return m_archs; }
  const ArchInfo* find(const std::string& name) const;

 private:
  std::vector<ArchInfo> m_archs;
};

// Registers every accelerator model that this build contains.
void register_all(Registry& registry);

// An accelerator by preset name, or from a params .yaml whose `preset:` key names the
// family's starting point. UsageError-style problems throw std::invalid_argument (unknown
// name); a bad file throws workloads::InputError.
std::unique_ptr<Accelerator> make_accelerator(const std::string& name_or_yaml);

}  // namespace qasim::arch
