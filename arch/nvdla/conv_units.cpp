#include "arch/nvdla/conv_units.h"

namespace qasim::arch::nvdla {

#define QASIM_ON_POSEDGE(Type) \
  SC_HAS_PROCESS(Type);        \
  SC_METHOD(on_edge);          \
  sensitive << clk.pos();      \
  dont_initialize()

Cdma::Cdma(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram)
    : sc_core::sc_module(name), clk("clk"), m_ctx(ctx), m_dram(dram) {
  QASIM_ON_POSEDGE(Cdma);
}

void Cdma::on_edge() {
  while (freed.valid()) {
    freed.pop();
    ++m_freed;
  }
  sim::Channel<uint64_t>& responses = m_dram.responses(kCdmaRead);
  while (responses.valid()) {
    responses.pop();
    --m_outstanding;
  }
  if (m_loading && m_outstanding == 0) {
    loaded->push(m_next++);
    m_loading = false;
  }
  if (!m_cmd && commands.valid()) {
    m_cmd = &m_ctx.program.layers[commands.pop()];
    m_next = m_freed = 0;
  }
  if (!m_cmd) return;
  const size_t lag = m_ctx.params.double_buffer ? 2 : 1;
  // Start loads while a CBUF half is free; a tile with nothing to load is ready at once.
  while (!m_loading && m_next < m_cmd->tiles.size() && (m_next < lag || m_freed > m_next - lag)) {
    const ConvTile& t = m_cmd->tiles[m_next];
    const std::vector<DramRequest> loads =
        tile_loads(m_ctx.graph, *m_cmd, t, m_ctx.layout, m_ctx.params);
    m_ctx.stats.cbuf.write_bytes += static_cast<uint64_t>(t.data_bytes) +
                                    (t.load_weights ? static_cast<uint64_t>(t.weight_bytes) : 0);
    if (loads.empty()) {
      loaded->push(m_next++);
      continue;
    }
    for (const DramRequest& r : loads) m_dram.requests(kCdmaRead).push(r);
    m_outstanding = loads.size();
    m_loading = true;
  }
  if (!m_loading && m_next == m_cmd->tiles.size()) m_cmd = nullptr;
}

void Cdma::trace(sim::Tracer& tracer) const {
  tracer.add(m_loading, std::string(name()) + ".loading");
  tracer.add(m_next, std::string(name()) + ".next_tile");
  tracer.add(m_outstanding, std::string(name()) + ".reads_outstanding");
}

ConvCore::ConvCore(sc_core::sc_module_name name, const CycleContext& ctx)
    : sc_core::sc_module(name),
      clk("clk"),
      m_ctx(ctx),
      m_entry_bytes(static_cast<uint64_t>(ctx.params.atomic_c) *
                    static_cast<uint64_t>(ctx.params.element_bytes())) {
  QASIM_ON_POSEDGE(ConvCore);
}

void ConvCore::on_edge() {
  while (loaded.valid()) {
    loaded.pop();
    ++m_loaded;
  }
  if (!m_cmd && commands.valid()) {
    m_cmd = &m_ctx.program.layers[commands.pop()];
    m_tile = m_loaded = 0;
  }
  if (!m_cmd) return;
  if (m_busy && m_atoms_left == 0) {
    m_busy = false;
    freed->push(m_tile);
    if (m_cmd->tiles[m_tile].last_chunk) to_sdp->push(m_tile);
    if (++m_tile == m_cmd->tiles.size()) {
      const uint64_t macs = static_cast<uint64_t>(conv_macs(*m_cmd));
      m_ctx.stats.cmac.mac[m_ctx.mac_label[m_cmd->layer]] += macs;
      m_ctx.stats.cmac.macs += macs;
      m_cmd = nullptr;
      return;
    }
  }
  if (!m_busy && m_loaded > m_tile) {
    // CSC holds the tile's weights in the MAC cells: read once from CBUF per tile.
    const ConvTile& t = m_cmd->tiles[m_tile];
    m_atoms_left = tile_mac_cycles(*m_cmd, t, m_ctx.params);
    m_ctx.stats.cbuf.read_bytes += static_cast<uint64_t>(t.weight_bytes);
    m_busy = true;
  }
  if (m_busy && m_atoms_left > 0) {
    // One atom this edge: CSC reads one atomic_c data entry from CBUF, CMAC's atomic_k
    // cells each reduce it against their weights, CACC adds the partial sums.
    --m_atoms_left;
    m_ctx.stats.cmac.busy_cycles += 1;
    m_ctx.stats.cbuf.read_bytes += m_entry_bytes;
  }
}

void ConvCore::trace(sim::Tracer& tracer) const {
  tracer.add(m_busy, std::string(name()) + ".busy");
  tracer.add(m_atoms_left, std::string(name()) + ".atoms_left");
  tracer.add(m_tile, std::string(name()) + ".tile");
}

Sdp::Sdp(sc_core::sc_module_name name, const CycleContext& ctx)
    : sc_core::sc_module(name), clk("clk"), m_ctx(ctx) {
  QASIM_ON_POSEDGE(Sdp);
}

void Sdp::on_edge() {
  const uint64_t c = m_cycle++;
  if (commands.valid()) m_cmd = &m_ctx.program.layers[commands.pop()];
  while (tiles.valid()) m_queue.push_back(tiles.pop());
  if (m_busy && c == m_finish) {
    m_busy = false;
    to_wdma->push(m_current);
  }
  if (!m_busy && !m_queue.empty()) {
    m_current = m_queue.front();
    m_queue.pop_front();
    const uint64_t count = tile_outputs(*m_cmd, m_cmd->tiles[m_current]);
    const uint64_t rate = static_cast<uint64_t>(m_ctx.params.sdp_throughput);
    const uint64_t cycles = (count + rate - 1) / rate;
    m_ctx.stats.sdp.ops += count;
    m_ctx.stats.sdp.busy_cycles += cycles;
    m_finish = c + cycles;
    m_busy = true;
  }
}

void Sdp::trace(sim::Tracer& tracer) const {
  tracer.add(m_busy, std::string(name()) + ".busy");
  tracer.add(m_current, std::string(name()) + ".tile");
}

Wdma::Wdma(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram)
    : sc_core::sc_module(name), clk("clk"), m_ctx(ctx), m_dram(dram) {
  QASIM_ON_POSEDGE(Wdma);
}

void Wdma::on_edge() {
  if (commands.valid()) {
    m_cmd = &m_ctx.program.layers[commands.pop()];
    m_tiles_left = 0;
    for (const ConvTile& t : m_cmd->tiles) m_tiles_left += t.last_chunk ? 1 : 0;
  }
  while (tiles.valid()) {
    const ConvTile& t = m_cmd->tiles[tiles.pop()];
    for (const DramRequest& w : tile_writes(*m_cmd, t, m_ctx.layout, m_ctx.params)) {
      m_dram.requests(kWdmaWrite).push(w);
      ++m_outstanding;
    }
    --m_tiles_left;
  }
  sim::Channel<uint64_t>& responses = m_dram.responses(kWdmaWrite);
  while (responses.valid()) {
    responses.pop();
    --m_outstanding;
  }
  if (m_cmd && m_tiles_left == 0 && m_outstanding == 0) {
    layer_done->push(m_cmd->layer);
    m_cmd = nullptr;
  }
}

void Wdma::trace(sim::Tracer& tracer) const {
  tracer.add(m_tiles_left, std::string(name()) + ".tiles_left");
  tracer.add(m_outstanding, std::string(name()) + ".writes_outstanding");
}

#undef QASIM_ON_POSEDGE

}  // namespace qasim::arch::nvdla
