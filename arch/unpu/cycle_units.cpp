#include "arch/unpu/cycle_units.h"

#include <algorithm>

namespace qasim::arch::unpu {

ClockedUnit::ClockedUnit(sc_core::sc_module_name name, const CycleContext& ctx)
    : sc_core::sc_module(name), clk("clk"), m_ctx(ctx) {
  SC_HAS_PROCESS(ClockedUnit);
  SC_METHOD(edge);
  sensitive << clk.pos();
  dont_initialize();
}

Loader::Loader(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram)
    : ClockedUnit(name, ctx), m_dram(dram) {}

void Loader::on_edge() {
  const uint64_t c = m_cycle++;
  while (freed.valid()) {
    freed.pop();
    ++m_freed;
  }
  sim::Channel<uint64_t>& responses = m_dram.responses(kLoader);
  while (responses.valid()) {
    responses.pop();
    --m_outstanding;
  }
  if (m_loading && m_outstanding == 0) {
    if (m_cmd->unit == Unit::Lbpe) m_ctx.spans[m_next].load_done = c;
    (m_cmd->unit == Unit::Lbpe ? to_cores : to_simd)->push(m_next++);
    m_loading = false;
  }
  if (!m_cmd && commands.valid()) {
    m_cmd = &m_ctx.program.layers[commands.pop()];
    m_next = m_freed = 0;
  }
  if (!m_cmd) return;
  if (m_cmd->unit == Unit::Simd) {
    if (m_next == 0 && !m_loading) {
      const SimdWork w = simd_work(m_ctx.graph, *m_cmd, m_ctx.layout, m_ctx.params);
      for (const DramRequest& r : w.reads) m_dram.requests(kLoader).push(r);
      m_outstanding = w.reads.size();
      m_loading = true;
    }
  } else {
    const size_t lag = m_ctx.params.double_buffer ? 2 : 1;
    // Start loads while a memory half is free; a tile with nothing to load is ready at once.
    while (!m_loading && m_next < m_cmd->tiles.size() && (m_next < lag || m_freed > m_next - lag)) {
      const std::vector<DramRequest> loads =
          tile_loads(m_ctx.graph, *m_cmd, m_cmd->tiles[m_next], m_ctx.layout, m_ctx.params);
      m_ctx.spans[m_next].load_start = m_ctx.spans[m_next].load_done = c;
      if (loads.empty()) {
        to_cores->push(m_next++);
        continue;
      }
      for (const DramRequest& r : loads) m_dram.requests(kLoader).push(r);
      m_outstanding = loads.size();
      m_loading = true;
    }
  }
  const size_t count = m_cmd->unit == Unit::Simd ? 1 : m_cmd->tiles.size();
  if (!m_loading && m_next == count) m_cmd = nullptr;
}

DnnCores::DnnCores(sc_core::sc_module_name name, const CycleContext& ctx)
    : ClockedUnit(name, ctx) {}

void DnnCores::on_edge() {
  const uint64_t c = m_cycle++;
  while (loaded.valid()) {
    loaded.pop();
    ++m_loaded;
  }
  if (!m_cmd && commands.valid()) {
    m_cmd = &m_ctx.program.layers[commands.pop()];
    m_tile = m_loaded = 0;
  }
  if (!m_cmd) return;
  if (m_steps && m_steps->done()) {
    m_steps.reset();
    m_ctx.spans[m_tile].compute_done = c;
    freed->push(m_tile);
    to_aggr->push(m_tile);
    if (++m_tile == m_cmd->tiles.size()) {
      uint64_t macs = 0;
      for (const Tile& t : m_cmd->tiles) macs += tile_work(*m_cmd, t, m_ctx.params).macs;
      LbpeStats& lbpe = m_ctx.stats.lbpe;
      lbpe.mac[m_ctx.mac_label[m_cmd->layer]] += macs;
      lbpe.macs += macs;
      lbpe.bit_macs += macs * static_cast<uint64_t>(m_cmd->coding.planes);
      m_cmd = nullptr;
      return;
    }
  }
  if (!m_steps && m_loaded > m_tile) {
    const Tile& t = m_cmd->tiles[m_tile];
    // The loader's DMA writes into the memories (counted where the tile is consumed).
    const TileWork w = tile_work(*m_cmd, t, m_ctx.params);
    m_ctx.stats.weight_mem.write_bytes += w.weight_mem_writes;
    m_ctx.stats.feature_mem.write_bytes += w.feature_mem_writes;
    m_steps.emplace(*m_cmd, t, m_ctx.params);
    m_ctx.spans[m_tile].compute_start = c;
  }
  if (m_steps) m_steps->step(m_ctx.stats);  // this edge's LUT builds and reads
}

TileStage::TileStage(sc_core::sc_module_name name, const CycleContext& ctx)
    : ClockedUnit(name, ctx) {}

void TileStage::on_edge() {
  const uint64_t c = m_cycle++;
  if (commands.valid()) m_cmd = &m_ctx.program.layers[commands.pop()];
  while (tiles.valid()) m_queue.push_back(tiles.pop());
  if (m_busy && c == m_finish) {
    m_busy = false;
    if (forward(m_current)) next->push(m_current);
  }
  if (!m_busy && !m_queue.empty()) {
    m_current = m_queue.front();
    m_queue.pop_front();
    m_finish = c + start(m_current);
    m_busy = true;
  }
}

uint64_t Aggregator::start(size_t tile) {
  const TileWork w = tile_work(*m_cmd, m_cmd->tiles[tile], m_ctx.params);
  m_ctx.stats.aggregation.ops += w.agg_adds;
  m_ctx.stats.aggregation.busy_cycles += w.agg_cycles;
  return w.agg_cycles;
}

uint64_t SimdCore::start(size_t tile) {
  uint64_t ops = 0, cycles = 0;
  if (m_cmd->unit == Unit::Lbpe) {
    const TileWork w = tile_work(*m_cmd, m_cmd->tiles[tile], m_ctx.params);
    ops = w.outputs;
    cycles = w.simd_cycles;
  } else {
    const SimdWork w = simd_work(m_ctx.graph, *m_cmd, m_ctx.layout, m_ctx.params);
    ops = w.ops;
    cycles = w.busy_cycles;
  }
  m_ctx.stats.simd.ops += ops;
  m_ctx.stats.simd.busy_cycles += cycles;
  return cycles;
}

Writer::Writer(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram)
    : ClockedUnit(name, ctx), m_dram(dram) {}

void Writer::on_edge() {
  if (commands.valid()) {
    m_cmd = &m_ctx.program.layers[commands.pop()];
    m_tiles_left = 1;
    if (m_cmd->unit == Unit::Lbpe)
      m_tiles_left = static_cast<size_t>(std::count_if(m_cmd->tiles.begin(), m_cmd->tiles.end(),
                                                       [](const Tile& t) { return t.last_pass; }));
  }
  while (tiles.valid()) {
    const size_t tile = tiles.pop();
    const std::vector<DramRequest> writes =
        m_cmd->unit == Unit::Lbpe
            ? tile_writes(*m_cmd, m_cmd->tiles[tile], m_ctx.layout, m_ctx.params)
            : std::vector<DramRequest>{
                  simd_work(m_ctx.graph, *m_cmd, m_ctx.layout, m_ctx.params).write};
    for (const DramRequest& w : writes) m_dram.requests(kWriter).push(w);
    m_outstanding += writes.size();
    --m_tiles_left;
  }
  sim::Channel<uint64_t>& responses = m_dram.responses(kWriter);
  while (responses.valid()) {
    responses.pop();
    --m_outstanding;
  }
  if (m_cmd && m_tiles_left == 0 && m_outstanding == 0) {
    layer_done->push(m_cmd->layer);
    m_cmd = nullptr;
  }
}

}  // namespace qasim::arch::unpu
