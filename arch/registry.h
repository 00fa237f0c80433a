// Accelerators by name. main() fills the registry explicitly (no static constructors),
// so `qasim list-archs` shows exactly what is linked in.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace qasim::arch {

struct ArchInfo {
  std::string name;
  std::string description;
  // Prints the params (name, default, unit, description) and presets; may be empty.
  std::function<void(std::ostream&)> print_params;
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

}  // namespace qasim::arch
