// Accelerators by name. main() fills the registry explicitly (no static constructors),
// so `qasim list-archs` shows exactly what is linked in.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace qasim::arch {

struct ArchInfo {
  std::string name;
  std::string description;
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
