// The NVDLA entries of the accelerator registry: one per preset.
#pragma once

#include "arch/registry.h"

namespace qasim::arch::nvdla {

// Adds nvdla_small and nvdla_large (bit-exact functional model, fast and cycle
// timing models).
void register_archs(Registry& registry);

}  // namespace qasim::arch::nvdla
