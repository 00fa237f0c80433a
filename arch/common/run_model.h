// The RunResult of one run of an accelerator's timing model (fast or cycle): each model
// says how one of its layer timings becomes a LayerResult and which figure is its overall
// utilization; the totals, the stats (kept alive with the model) and the cost actions are
// filled the same way for every accelerator.
#pragma once

#include <memory>

#include "arch/accelerator.h"

namespace qasim::arch {

// `model->run()` gives layers, cycles, seconds and frames_per_second; `layer_row(layer)` a
// LayerResult; `utilization(result)` the run's utilization. The actions come from the
// model's own `layer_actions(recorder, params)` (found in the namespace of Params).
template <typename Model, typename Params, typename LayerRow, typename Utilization>
RunResult run_model(const std::shared_ptr<Model>& model, const Params& params, LayerRow layer_row,
                    Utilization utilization) {
  const auto timing = model->run();
  RunResult r;
  for (const auto& l : timing.layers) r.layers.push_back(layer_row(l));
  r.cycles = timing.cycles;
  r.seconds = timing.seconds;
  r.frames_per_second = timing.frames_per_second;
  r.utilization = utilization(timing);
  r.stats = std::shared_ptr<const sim::StatsRecorder>(model, &model->recorder());
  r.actions = layer_actions(model->recorder(), params);
  return r;
}

}  // namespace qasim::arch
