// The totals every accelerator's timing result carries (cycles, seconds, frames per
// second), set the same way by its fast and its cycle model.
#pragma once

#include <cstdint>

#include "sim/clock.h"

namespace qasim::arch {

// Sum of the layers' cycles: the layers run one after another.
template <typename Layers>
uint64_t total_cycles(const Layers& layers) {
  uint64_t cycles = 0;
  for (const auto& l : layers) cycles += l.cycles;
  return cycles;
}

// A run of `cycles` edges of `clock`, one sample per run.
template <typename Result>
void set_run_totals(Result& r, uint64_t cycles, const sim::ClockDomain& clock) {
  r.cycles = cycles;
  r.seconds = clock.ns(cycles) * 1e-9;
  r.frames_per_second = r.seconds > 0 ? 1.0 / r.seconds : 0.0;
}

}  // namespace qasim::arch
