#include "arch/unpu/register.h"

#include "arch/unpu/accelerator.h"
#include "arch/unpu/params.h"

namespace qasim::arch::unpu {

void register_archs(Registry& registry) {
  ArchInfo info;
  info.name = "unpu";
  info.description =
      "UNPU-style: 4 DNN cores x 6 LUT-based bit-serial PEs, 200 MHz, 16-bit activations, "
      "1-16-bit weights per layer (fast and cycle timing, bit-exact)";
  info.print_params = [](std::ostream& out) { UnpuParams::schema().print(out); };
  info.make = [] {
    return std::make_unique<UnpuAccelerator>("unpu", UnpuParams::schema().preset_value("unpu"));
  };
  info.from_file = [](const std::string& path) {
    return std::make_unique<UnpuAccelerator>(path, UnpuParams::schema().parse_file(path));
  };
  registry.add(std::move(info));
}

}  // namespace qasim::arch::unpu
