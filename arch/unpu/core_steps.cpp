#include "arch/unpu/core_steps.h"

#include <algorithm>

#include "arch/common/int_math.h"

namespace qasim::arch::unpu {

CoreSteps::CoreSteps(const LayerCommand& cmd, const Tile& t, const UnpuParams& params)
    : m_params(params),
      m_s(core_schedule(cmd, t, params)),
      m_planes(u64(cmd.coding.planes)),
      m_lut_input_bytes(u64(lut_shape(params, cmd.coding).inputs) * u64(params.activation_bytes())),
      m_build_adds(build_adds_per_lut(cmd.coding, params)),
      m_weight_round_bytes(u64(params.cores) / m_s.split *
                           ceil_div(m_s.kt * m_s.reduction * m_planes, 8)) {
  // Lane groups an item may address: up to k_split * kg_per_lbpe, the ones past the
  // tile's channels empty.
  for (uint64_t g = 0; g < m_s.k_split * m_s.kg_per_lbpe; ++g)
    m_lanes.push_back(m_s.lanes_in_group(g, u64(params.lanes)));
  m_cycles = m_s.cycles;
  m_building.reserve(u64(params.lbpes()));
  m_reading.reserve(u64(params.lbpes()));
}

void CoreSteps::assign(uint64_t set, std::vector<Lbpe>& out) const {
  out.clear();
  const uint64_t round = set / m_s.passes, pass = set % m_s.passes;
  const uint64_t per_core = u64(m_params.lbpes_per_core);
  for (uint64_t c = 0; c < u64(m_params.cores); ++c) {
    const uint64_t luts = m_s.luts_in_chunk(pass * m_s.split + c % m_s.split);
    if (luts == 0) continue;  // this core has no chunk left in this pass
    for (uint64_t l = 0; l < per_core; ++l) {
      const uint64_t item = round * m_s.slots + c / m_s.split * per_core + l;
      if (item >= m_s.items()) break;
      out.push_back({luts, item % m_s.k_split * m_s.kg_per_lbpe});
    }
  }
}

void CoreSteps::build(uint64_t set, uint64_t build_cycle, UnpuStats& stats) {
  if (set != m_build_set) {
    assign(set, m_building);
    m_build_set = set;
  }
  const uint64_t fill = u64(m_params.lut_fill_entries);
  const uint64_t entries =
      std::min(fill, u64(m_params.lut_entries()) - build_cycle * fill);  // written this edge
  const bool first = build_cycle == 0, last = build_cycle + 1 == m_s.build;
  for (const Lbpe& b : m_building) {
    if (first) stats.feature_mem.read_bytes += b.luts * m_lut_input_bytes;
    stats.lbpe.lut_writes += b.luts * entries;
    if (last) {
      stats.lbpe.lut_builds += b.luts;
      stats.lbpe.lut_build_adds += b.luts * m_build_adds;
    }
  }
}

void CoreSteps::read(uint64_t set, uint64_t read_cycle, UnpuStats& stats) {
  if (set != m_read_set) {
    assign(set, m_reading);
    m_read_set = set;
  }
  if (read_cycle == 0 && set % m_s.passes == 0) stats.weight_mem.read_bytes += m_weight_round_bytes;
  const uint64_t group = read_cycle / m_planes;  // lane group within the item
  for (const Lbpe& b : m_reading) {
    const uint64_t lanes = m_lanes[b.first_group + group];
    stats.lbpe.lut_reads += lanes * b.luts;
    stats.lbpe.tree_adds += lanes * (b.luts - 1);
    stats.lbpe.shift_adds += lanes;
  }
}

void CoreSteps::step(UnpuStats& stats) {
  const uint64_t c = m_cycle++;
  stats.lbpe.busy_cycles += 1;
  const uint64_t build_cycles = m_s.build, lookups = m_s.lookups;
  if (!m_params.lut_double_buffer) {
    const uint64_t set = c / m_s.step, i = c % m_s.step;
    if (i < build_cycles)
      build(set, i, stats);
    else
      read(set, i - build_cycles, stats);
    return;
  }
  if (c < build_cycles) {  // the first set's LUTs, before any read
    build(0, c, stats);
    return;
  }
  const uint64_t set = (c - build_cycles) / m_s.step, i = (c - build_cycles) % m_s.step;
  if (i < lookups) read(set, i, stats);
  if (i < build_cycles && set + 1 < m_s.sets()) build(set + 1, i, stats);
}

}  // namespace qasim::arch::unpu
