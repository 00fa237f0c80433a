#include "arch/nvdla/register.h"

#include "arch/nvdla/params.h"

namespace qasim::arch::nvdla {

void register_archs(Registry& registry) {
  const auto print = [](std::ostream& out) { NvdlaParams::schema().print(out); };
  registry.add({"nvdla_small",
                "NVDLA nv_small-style: 8x8 INT8 MACs, 128 KB CBUF, 8 B/cycle DRAM (fast and "
                "cycle timing, bit-exact)",
                print});
  registry.add({"nvdla_large",
                "NVDLA nv_large-style: 64x32 INT8 MACs, 512 KB CBUF, 20 GB/s DRAM (fast and "
                "cycle timing, bit-exact)",
                print});
}

}  // namespace qasim::arch::nvdla
