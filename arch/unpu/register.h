// The UNPU entry of the accelerator registry.
#pragma once

#include "arch/registry.h"

namespace qasim::arch::unpu {

// Adds `unpu` (bit-serial LUT datapath, bit-exact; fast and cycle timing models).
void register_archs(Registry& registry);

}  // namespace qasim::arch::unpu
