#include "arch/nvdla/register.h"

#include "arch/nvdla/accelerator.h"
#include "arch/nvdla/params.h"

namespace qasim::arch::nvdla {

namespace {

ArchInfo entry(std::string name, std::string description) {
  ArchInfo info;
  info.name = name;
  info.description = std::move(description);
  info.print_params = [](std::ostream& out) { NvdlaParams::schema().print(out); };
  info.make = [name] {
    return std::make_unique<NvdlaAccelerator>(name, NvdlaParams::schema().preset_value(name));
  };
  info.from_file = [](const std::string& path) {
    return std::make_unique<NvdlaAccelerator>(path, NvdlaParams::schema().parse_file(path));
  };
  return info;
}

}  // namespace

void register_archs(Registry& registry) {
  registry.add(entry("nvdla_small",
                     "NVDLA nv_small-style: 8x8 INT8 MACs, 128 KB CBUF, 8 B/cycle DRAM (fast and "
                     "cycle timing, bit-exact)"));
  registry.add(entry("nvdla_large",
                     "NVDLA nv_large-style: 64x32 INT8 MACs, 512 KB CBUF, 20 GB/s DRAM (fast and "
                     "cycle timing, bit-exact)"));
}

}  // namespace qasim::arch::nvdla
