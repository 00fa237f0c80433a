// The DNN cores edge by edge (cycle mode): what every LBPE does on one clock edge of a
// tile, counted as it happens. The tile's cycles and totals equal tile_work (work.h), the
// closed form the fast model uses; tests/arch/unpu_core_steps_test.cpp checks both against
// hand-derived edges and against each other.
//
// The timeline of a tile (CoreSchedule in work.h): LUT set s (round s / passes, pass
// s % passes) is built in `build` cycles and read in `lookups` cycles. With double-buffered
// LUTs, set 0 is built first, then each set takes step = max(build, lookups) cycles, its
// reads in the first `lookups` of them while the next set is built in the first `build`,
// and the last set ends with its last read; without, each set takes build + lookups, the
// build first.
//
// On one edge, an LBPE of core c (core group c / split, member c % split), position l:
// - takes work item round * slots + (c / split) * lbpes_per_core + l (idle past the last)
//   and chunk pass * split + c % split (idle past the last chunk) of the set;
// - building: writes lut_fill_entries entries (fewer in the last build cycle) into each of
//   the chunk's LUTs; in the first build cycle its aligned loader reads the LUTs'
//   activations from the feature memory; in the last, the LUTs are complete (lut_builds,
//   their build adds);
// - reading, cycle r of the set: lane group r / planes of the item, weight plane r % planes:
//   every lane with an output channel reads one entry of each of the chunk's LUTs, the
//   adder tree sums them, and one shift-add puts the sum into the lane's accumulator.
// At the first read of a round each core group streams the tile's weights from its weight
// memory (one read of the packed weights per round, shared by the group's LBPEs).
#pragma once

#include <cstdint>
#include <vector>

#include "arch/unpu/stats.h"
#include "arch/unpu/work.h"

namespace qasim::arch::unpu {

class CoreSteps {
 public:
  CoreSteps(const LayerCommand& cmd, const Tile& t, const UnpuParams& params);

  // One clock edge of the tile; counts its actions into `stats`. Call while !done().
  void step(UnpuStats& stats);
  bool done() const { return m_cycle == m_cycles; }
  uint64_t cycle() const { return m_cycle; }    // edges stepped so far
  uint64_t cycles() const { return m_cycles; }  // edges the tile takes

 private:
  // What one active LBPE holds in the set being built or read.
  struct Lbpe {
    uint64_t luts;         // LUTs of its chunk
    uint64_t first_group;  // its first lane group
  };
  void assign(uint64_t set, std::vector<Lbpe>& out) const;
  void build(uint64_t set, uint64_t build_cycle, UnpuStats& stats);
  void read(uint64_t set, uint64_t read_cycle, UnpuStats& stats);

  const UnpuParams& m_params;
  CoreSchedule m_s;
  uint64_t m_planes, m_lut_input_bytes, m_build_adds, m_weight_round_bytes;
  std::vector<uint64_t> m_lanes;  // output channels per lane group (0 past the last)
  uint64_t m_cycles = 0, m_cycle = 0;
  uint64_t m_build_set = UINT64_MAX, m_read_set = UINT64_MAX;  // sets assigned below
  std::vector<Lbpe> m_building, m_reading;
};

}  // namespace qasim::arch::unpu
