#include "arch/eie/register.h"

#include "arch/eie/accelerator.h"

namespace qasim::arch::eie {

void register_archs(Registry& registry) {
  ArchInfo info;
  info.name = "eie";
  info.description =
      "EIE-style: 64 PEs at 800 MHz, CSC weights with 4-bit codebook and relative indices, "
      "activation queues, zero skipping (fast and cycle timing from the real non-zeros, "
      "bit-exact; codebook layers with at most 15 non-zero shared weights)";
  info.print_params = [](std::ostream& out) { EieParams::schema().print(out); };
  info.make = [] {
    return std::make_unique<EieAccelerator>("eie", EieParams::schema().preset_value("eie"));
  };
  info.from_file = [](const std::string& path) {
    return std::make_unique<EieAccelerator>(path, EieParams::schema().parse_file(path));
  };
  registry.add(std::move(info));
}

}  // namespace qasim::arch::eie
