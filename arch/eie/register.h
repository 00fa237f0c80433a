// Registers the EIE-style model (preset `eie`) with the accelerator registry.
#pragma once

#include "arch/registry.h"

namespace qasim::arch::eie {

void register_archs(Registry& registry);

}  // namespace qasim::arch::eie
