// Which accelerator a command runs: a registered preset by name, or a YAML file of
// NVDLA-style params (`preset: nvdla_small` plus overrides; unknown keys are errors).
#pragma once

#include <string>

#include "arch/nvdla/params.h"

namespace qasim::dse {

struct SelectedArch {
  std::string name;  // preset name or the YAML file's path
  arch::nvdla::NvdlaParams params;
};

// Throws UsageError for an unknown name, InputError for a bad file.
SelectedArch select_arch(const std::string& spec);

}  // namespace qasim::dse
