// The EIE counts as cost-model actions (sim/cost/actions.h), per layer.
#pragma once

#include <vector>

#include "arch/eie/params.h"
#include "sim/cost/actions.h"
#include "sim/stats_report.h"

namespace qasim::arch::eie {

std::vector<sim::cost::LayerActions> layer_actions(const sim::StatsRecorder& recorder,
                                                   const EieParams& params);

}  // namespace qasim::arch::eie
