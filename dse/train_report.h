// What `qasim train` writes beside the model: the learning curve as CSV and as a
// self-contained SVG (loss and train/test accuracy per epoch; opens in any browser).
#pragma once

#include <string>
#include <vector>

#include "workloads/train/trainer.h"

namespace qasim::dse {

std::string curve_csv(const std::vector<workloads::train::EpochRecord>& curve);
std::string curve_svg(const std::vector<workloads::train::EpochRecord>& curve,
                      const std::string& title);

}  // namespace qasim::dse
