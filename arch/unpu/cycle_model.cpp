#include "arch/unpu/cycle_model.h"

#include <stdexcept>
#include <systemc>

#include "arch/unpu/cycle_units.h"

namespace qasim::arch::unpu {

namespace {

// The RISC controller: starts each layer when it sees the previous one done, and records
// the per-layer stats.
class Controller : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sim::Channel<size_t> done{"done", kDeepChannel};
  std::vector<sim::Channel<size_t>*> lbpe_units;  // loader, cores, aggregation, SIMD, writer
  std::vector<sim::Channel<size_t>*> simd_units;  // loader, SIMD, writer
  std::vector<LayerTiming> layers;
  bool finished = false;

  Controller(sc_core::sc_module_name name, const CycleContext& ctx, sim::StatsRecorder& recorder)
      : sc_core::sc_module(name), clk("clk"), m_ctx(ctx), m_recorder(recorder) {
    SC_HAS_PROCESS(Controller);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void on_edge() {
    const uint64_t c = m_cycle++;
    if (m_waiting && done.valid()) {
      done.pop();
      finish(c);
    }
    while (!m_waiting && layers.size() < m_ctx.program.layers.size()) {
      const LayerCommand& cmd = m_ctx.program.layers[layers.size()];
      m_recorder.begin_layer(cmd.name);
      m_start = c;
      m_busy_before = m_ctx.stats.lbpe.busy_cycles.value();
      m_macs_before = m_ctx.stats.lbpe.macs.value();
      if (cmd.unit == Unit::None) {
        finish(c);
        continue;
      }
      for (sim::Channel<size_t>* unit : cmd.unit == Unit::Lbpe ? lbpe_units : simd_units)
        unit->push(cmd.layer);
      m_waiting = true;
    }
    if (!m_waiting && !finished) {
      finished = true;
      sc_core::sc_stop();
    }
  }

  void finish(uint64_t c) {
    const LayerCommand& cmd = m_ctx.program.layers[layers.size()];
    LayerTiming lt;
    lt.start = m_start;
    lt.cycles = c - m_start;
    lt.core_cycles = m_ctx.stats.lbpe.busy_cycles.value() - m_busy_before;
    lt.macs = static_cast<int64_t>(m_ctx.stats.lbpe.macs.value() - m_macs_before);
    finish_layer(cmd, m_ctx.params, lt, m_ctx.stats);
    m_recorder.end_layer();
    layers.push_back(lt);
    m_waiting = false;
  }

  const CycleContext& m_ctx;
  sim::StatsRecorder& m_recorder;
  bool m_waiting = false;
  uint64_t m_start = 0, m_busy_before = 0, m_macs_before = 0;
  uint64_t m_cycle = 0;
};

}  // namespace

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
  const CycleContext ctx{m_graph, m_params, m_program, m_layout, m_stats, m_mac_label};
  // Edges are counted, so the period only has to be positive; seconds come from clock_mhz.
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  DramPort dram("dram_port", m_dram, kDramClients, kLoader);
  Loader loader("loader", ctx, dram);
  DnnCores cores("dnn_cores", ctx);
  Aggregator aggregation("aggregation", ctx);
  SimdCore simd("simd", ctx);
  Writer writer("writer", ctx, dram);
  Controller controller("controller", ctx, *m_recorder);
  loader.to_cores = &cores.loaded;
  loader.to_simd = &simd.tiles;
  cores.freed = &loader.freed;
  cores.to_aggr = &aggregation.tiles;
  aggregation.next = &simd.tiles;
  simd.next = &writer.tiles;
  writer.layer_done = &controller.done;
  controller.lbpe_units = {&loader.commands, &cores.commands, &aggregation.commands, &simd.commands,
                           &writer.commands};
  controller.simd_units = {&loader.commands, &simd.commands, &writer.commands};
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
  return finish_run(controller.layers, m_clock, m_stats);
}

}  // namespace qasim::arch::unpu
