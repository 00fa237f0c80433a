// Which accelerator a command runs: a registered preset by name, or a params YAML file
// (`preset: NAME` plus overrides; unknown keys are errors).
#pragma once

#include <memory>
#include <string>

#include "arch/accelerator.h"

namespace qasim::dse {

// Throws UsageError for an unknown name or a missing file, InputError for a bad file.
std::unique_ptr<arch::Accelerator> select_arch(const std::string& spec);

}  // namespace qasim::dse
