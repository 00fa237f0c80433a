#include "arch/nvdla/cycle_model.h"

#include <filesystem>
#include <systemc>

#include "arch/common/run_totals.h"
#include "arch/nvdla/conv_units.h"
#include "sim/layer_sequencer.h"

namespace qasim::arch::nvdla {

namespace {

// Standalone PDP/SDP layers (pool, add, concat, rescale): read the inputs, process at the
// unit's throughput, write the output, report the layer done.
class PlanarUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sim::Channel<size_t> commands{"cmd", kDeepChannel};
  sim::Channel<size_t>* layer_done = nullptr;

  PlanarUnit(sc_core::sc_module_name name, const CycleContext& ctx, DramPort& dram)
      : sc_core::sc_module(name), clk("clk"), m_ctx(ctx), m_dram(dram) {
    SC_HAS_PROCESS(PlanarUnit);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  enum class State { Idle, Reading, Busy, Writing };
  void on_edge() {
    const uint64_t c = m_cycle++;
    size_t answered = 0;
    for (DramClient client : {kUnitRead, kUnitWrite})
      while (m_dram.responses(client).valid()) {
        m_dram.responses(client).pop();
        ++answered;
      }
    if (m_state == State::Idle && commands.valid()) {
      m_cmd = &m_ctx.program.layers[commands.pop()];
      m_work = unit_work(m_ctx.graph, *m_cmd, m_ctx.layout, m_ctx.params);
      for (const DramRequest& r : m_work.reads) m_dram.requests(kUnitRead).push(r);
      m_outstanding = m_work.reads.size();
      m_state = State::Reading;
      return;
    }
    m_outstanding -= answered;
    if (m_state == State::Reading && m_outstanding == 0) {
      UnitStats& unit = m_cmd->unit == Unit::Pdp ? m_ctx.stats.pdp : m_ctx.stats.sdp;
      unit.ops += m_work.ops;
      unit.busy_cycles += m_work.busy_cycles;
      m_finish = c + m_work.busy_cycles;
      m_state = State::Busy;
    }
    if (m_state == State::Busy && c == m_finish) {
      m_dram.requests(kUnitWrite).push(m_work.write);
      m_outstanding = 1;
      m_state = State::Writing;
    } else if (m_state == State::Writing && m_outstanding == 0) {
      layer_done->push(m_cmd->layer);
      m_state = State::Idle;
    }
  }

  const CycleContext& m_ctx;
  DramPort& m_dram;
  const LayerCommand* m_cmd = nullptr;
  UnitWork m_work;
  State m_state = State::Idle;
  size_t m_outstanding = 0;
  uint64_t m_finish = 0;
  uint64_t m_cycle = 0;
};

}  // namespace

CycleModel::CycleModel(const workloads::Graph& graph, const NvdlaParams& params)
    : m_graph(timing_graph(graph)),
      m_params(params),
      m_program(compile(m_graph, params)),
      m_clock("nvdla", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats),
      m_layout(plan_dram(m_graph, m_program, params)),
      m_mac_label(add_mac_labels(m_graph, m_stats.cmac)) {
  m_stats.cmac.array_size.set(params.macs());
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

FastResult CycleModel::run() {
  const CycleContext ctx{m_graph, m_params, m_program, m_layout, m_stats, m_mac_label};
  // Edges are counted, so the period only has to be positive; seconds come from clock_mhz.
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  DramPort dram("dram_port", m_dram, kDramClients, kCdmaRead);
  Cdma cdma("cdma", ctx, dram);
  ConvCore conv("conv", ctx);
  Sdp sdp("sdp", ctx);
  Wdma wdma("wdma", ctx, dram);
  PlanarUnit planar("planar", ctx, dram);
  // Starts each layer when it sees the previous one done and records per-layer stats.
  std::vector<LayerTiming> layers;
  uint64_t busy_before = 0, macs_before = 0;
  sim::LayerSequencer::Hooks hooks;
  hooks.layers = m_program.layers.size();
  hooks.name = [&](size_t i) { return m_program.layers[i].name; };
  hooks.start = [&](size_t i) {
    const LayerCommand& cmd = m_program.layers[i];
    busy_before = m_stats.cmac.busy_cycles.value();
    macs_before = m_stats.cmac.macs.value();
    if (cmd.unit == Unit::None) return false;
    if (cmd.unit == Unit::Conv)
      for (sim::Channel<size_t>* unit :
           {&cdma.commands, &conv.commands, &sdp.commands, &wdma.commands})
        unit->push(cmd.layer);
    else
      planar.commands.push(cmd.layer);
    return true;
  };
  hooks.finish = [&](size_t i, uint64_t start, uint64_t end) {
    const LayerCommand& cmd = m_program.layers[i];
    LayerTiming lt;
    lt.name = cmd.name;
    lt.unit = cmd.unit;
    lt.start = start;
    lt.cycles = end - start;
    lt.mac_cycles = m_stats.cmac.busy_cycles.value() - busy_before;
    lt.macs = static_cast<int64_t>(m_stats.cmac.macs.value() - macs_before);
    lt.tiles = cmd.tiles.size();
    lt.mac_utilization = lt.cycles ? static_cast<double>(lt.macs) /
                                         (static_cast<double>(lt.cycles) * m_params.macs())
                                   : 0.0;
    m_stats.cycles += lt.cycles;
    m_stats.cmac.idle_cycles += lt.cycles - lt.mac_cycles;
    layers.push_back(lt);
  };
  sim::LayerSequencer controller("controller", *m_recorder, hooks);
  cdma.loaded = &conv.loaded;
  conv.freed = &cdma.freed;
  conv.to_sdp = &sdp.tiles;
  sdp.to_wdma = &wdma.tiles;
  wdma.layer_done = &controller.done;
  planar.layer_done = &controller.done;
  dram.clk(clk);
  cdma.clk(clk);
  conv.clk(clk);
  sdp.clk(clk);
  wdma.clk(clk);
  planar.clk(clk);
  controller.clk(clk);
  // The waveform goes to a temporary name and takes its own when complete.
  const std::string vcd =
      m_trace_path.empty() || m_trace_path.ends_with(".vcd") ? m_trace_path : m_trace_path + ".vcd";
  auto tracer = std::make_unique<sim::Tracer>(vcd.empty() ? "" : vcd + ".part.vcd");
  tracer->add(clk, "clk");
  tracer->add(controller.layer, "controller.layer");
  cdma.trace(*tracer);
  conv.trace(*tracer);
  sdp.trace(*tracer);
  wdma.trace(*tracer);
  sc_core::sc_start();
  tracer.reset();  // closes the file
  if (!vcd.empty()) std::filesystem::rename(vcd + ".part.vcd", vcd);
  if (!controller.finished)
    throw std::logic_error("nvdla cycle model stopped before the last layer");
  m_recorder->finalize();

  FastResult result;
  result.layers = std::move(layers);
  set_run_totals(result, total_cycles(result.layers), m_clock);
  result.mac_utilization = m_stats.mac_utilization.value();
  return result;
}

}  // namespace qasim::arch::nvdla
