#include "arch/unpu/cycle_model.h"

#include <stdexcept>
#include <systemc>

#include "arch/unpu/cycle_units.h"
#include "sim/layer_sequencer.h"

namespace qasim::arch::unpu {

CycleModel::CycleModel(const workloads::Graph& graph, const UnpuParams& params)
    : m_graph(timing_graph(graph)),
      m_params(params),
      m_program(compile(m_graph, params)),
      m_clock("unpu", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats),
      m_layout(plan_dram(m_graph, m_program, params)),
      m_mac_label(add_mac_labels(m_graph, m_program, m_stats.lbpe)) {
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

TimingResult CycleModel::run() {
  std::vector<TileSpan> spans;
  const CycleContext ctx{m_graph, m_params, m_program, m_layout, m_stats, m_mac_label, spans};
  // Edges are counted, so the period only has to be positive; seconds come from clock_mhz.
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  DramPort dram("dram_port", m_dram, kDramClients, kLoader);
  Loader loader("loader", ctx, dram);
  DnnCores cores("dnn_cores", ctx);
  Aggregator aggregation("aggregation", ctx);
  SimdCore simd("simd", ctx);
  Writer writer("writer", ctx, dram);
  // The RISC controller: starts each layer when it sees the previous one done, and records
  // the per-layer stats.
  std::vector<LayerTiming> layers;
  uint64_t busy_before = 0, macs_before = 0;
  sim::LayerSequencer::Hooks hooks;
  hooks.layers = m_program.layers.size();
  hooks.name = [&](size_t i) { return m_program.layers[i].name; };
  hooks.start = [&](size_t i) {
    const LayerCommand& cmd = m_program.layers[i];
    busy_before = m_stats.lbpe.busy_cycles.value();
    macs_before = m_stats.lbpe.macs.value();
    if (cmd.unit == Unit::None) return false;
    spans.assign(cmd.tiles.size(), TileSpan{});
    if (cmd.unit == Unit::Lbpe)
      for (sim::Channel<size_t>* unit : {&loader.commands, &cores.commands, &aggregation.commands,
                                         &simd.commands, &writer.commands})
        unit->push(cmd.layer);
    else
      for (sim::Channel<size_t>* unit : {&loader.commands, &simd.commands, &writer.commands})
        unit->push(cmd.layer);
    return true;
  };
  hooks.finish = [&](size_t i, uint64_t start, uint64_t end) {
    LayerTiming lt;
    lt.start = start;
    lt.cycles = end - start;
    lt.core_cycles = m_stats.lbpe.busy_cycles.value() - busy_before;
    lt.macs = static_cast<int64_t>(m_stats.lbpe.macs.value() - macs_before);
    if (m_program.layers[i].unit == Unit::Lbpe) lt.tile_spans = spans;
    finish_layer(m_program.layers[i], m_params, lt, m_stats);
    layers.push_back(lt);
  };
  sim::LayerSequencer controller("controller", *m_recorder, hooks);
  loader.to_cores = &cores.loaded;
  loader.to_simd = &simd.tiles;
  cores.freed = &loader.freed;
  cores.to_aggr = &aggregation.tiles;
  aggregation.next = &simd.tiles;
  simd.next = &writer.tiles;
  writer.layer_done = &controller.done;
  dram.clk(clk);
  loader.clk(clk);
  cores.clk(clk);
  aggregation.clk(clk);
  simd.clk(clk);
  writer.clk(clk);
  controller.clk(clk);
  sc_core::sc_start();
  if (!controller.finished)
    throw std::logic_error("unpu cycle model stopped before the last layer");
  m_recorder->finalize();
  return finish_run(std::move(layers), m_clock, m_stats);
}

}  // namespace qasim::arch::unpu
