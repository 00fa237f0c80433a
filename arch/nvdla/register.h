// The NVDLA entries of the accelerator registry: one per preset.
#pragma once

#include "arch/registry.h"

namespace qasim::arch::nvdla {

// Adds nvdla_small and nvdla_large (fast timing model and bit-exact functional model).
void register_archs(Registry& registry);

}  // namespace qasim::arch::nvdla
