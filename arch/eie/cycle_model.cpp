#include "arch/eie/cycle_model.h"

#include <systemc>

#include "arch/common/run_totals.h"
#include "sim/channel.h"

namespace qasim::arch::eie {

namespace {

constexpr size_t kHandshakeDepth = 2;

// All PEs, one process: each pops its queue when idle and spends pe_cycles() on the item;
// when every item is done it writes back (write_cycles) and reports the job done.
class PeArray : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sim::Channel<const SpmvJob*> jobs{"jobs", kHandshakeDepth};
  std::vector<std::unique_ptr<sim::Channel<uint32_t>>> queues;
  sim::Channel<bool>* done = nullptr;

  PeArray(sc_core::sc_module_name name, const EieParams& p, EieStats& stats)
      : sc_core::sc_module(name), clk("clk"), m_stats(stats), m_pes(p.num_pes) {
    for (int k = 0; k < p.num_pes; ++k)
      queues.push_back(std::make_unique<sim::Channel<uint32_t>>(
          ("queue" + std::to_string(k)).c_str(), static_cast<size_t>(p.queue_depth)));
    SC_HAS_PROCESS(PeArray);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void on_edge() {
    if (!m_job && jobs.valid()) {
      m_job = jobs.pop();
      m_popped.assign(size_t(m_pes), 0);
      m_left.assign(size_t(m_pes), 0);
      m_writing = false;
    }
    if (!m_job) return;
    if (!m_writing) {
      const size_t items = m_job->columns.size();
      bool finished = true;
      for (int k = 0; k < m_pes && finished; ++k) finished = m_left[k] == 0 && m_popped[k] == items;
      if (finished) {
        m_writing = true;
        m_write_left = m_job->write_cycles;
      } else {
        for (int k = 0; k < m_pes; ++k) {
          if (m_left[k] == 0 && queues[k]->valid()) {
            const uint32_t item = queues[k]->pop();
            ++m_popped[k];
            m_left[k] = m_job->pe_cycles(k, item);
          }
          if (m_left[k] > 0) {
            --m_left[k];
            ++m_stats.pe.busy[size_t(k)];
            ++m_stats.pe.busy_cycles;
          }
        }
      }
    }
    if (m_writing) {
      if (m_write_left == 0) {
        done->push(true);
        m_job = nullptr;
      } else {
        --m_write_left;
      }
    }
  }

  EieStats& m_stats;
  int m_pes;
  const SpmvJob* m_job = nullptr;
  std::vector<size_t> m_popped;
  std::vector<uint32_t> m_left;
  bool m_writing = false;
  uint32_t m_write_left = 0;
};

class Ppu : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sim::Channel<uint64_t> commands{"commands", kHandshakeDepth};
  sim::Channel<bool>* done = nullptr;

  explicit Ppu(sc_core::sc_module_name name) : sc_core::sc_module(name), clk("clk") {
    SC_HAS_PROCESS(Ppu);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void on_edge() {
    if (!m_active && commands.valid()) {
      m_left = commands.pop();
      m_active = true;
    }
    if (!m_active) return;
    if (m_left == 0) {
      done->push(true);
      m_active = false;
    } else {
      --m_left;
    }
  }
  bool m_active = false;
  uint64_t m_left = 0;
};

// Layer and job sequencing, gather, LNZD broadcast, DRAM weight loads, per-layer stats.
class Controller : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sim::Channel<bool> pe_done{"pe_done", kHandshakeDepth};
  sim::Channel<bool> ppu_done{"ppu_done", kHandshakeDepth};
  PeArray* pes = nullptr;
  Ppu* ppu = nullptr;
  std::vector<LayerTiming> layers;
  bool finished = false;

  Controller(sc_core::sc_module_name name, const Prepared& prep, EieStats& stats, sim::Dram& dram,
             sim::StatsRecorder& recorder)
      : sc_core::sc_module(name),
        clk("clk"),
        m_prep(prep),
        m_stats(stats),
        m_dram(dram),
        m_recorder(recorder),
        m_meter(stats, prep.params.num_pes) {
    SC_HAS_PROCESS(Controller);
    SC_METHOD(on_edge);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  enum class State { NextLayer, Load, NextJob, Gather, Broadcast, Wait };

  void on_edge() {
    const uint64_t t = m_cycle++;
    if (pe_done.valid()) {
      pe_done.pop();
      ++m_job;
      m_state = State::NextJob;
    }
    if (ppu_done.valid()) {
      ppu_done.pop();
      finish_layer(t);
    }
    for (;;) switch (m_state) {
        case State::NextLayer: {
          if (m_layer == m_prep.program.layers.size()) {
            if (!finished) {
              finished = true;
              sc_core::sc_stop();
            }
            return;
          }
          const LayerPlan& plan = m_prep.program.layers[m_layer];
          m_recorder.begin_layer(plan.name);
          m_meter.begin(t);
          m_start = t;
          m_busy_before = m_stats.pe.busy_cycles.value();
          m_work =
              layer_work(m_prep.graph, m_prep.program, m_layer, m_prep.params, m_prep.activations);
          m_job = 0;
          if (plan.unit == Unit::None) {
            finish_layer(t);
          } else if (plan.unit == Unit::Ppu) {
            m_stats.ppu.ops += m_work.ppu_ops;
            m_stats.ppu.busy_cycles += m_work.ppu_cycles;
            ppu->commands.push(m_work.ppu_cycles);
            m_state = State::Wait;
          } else if (m_work.weight_bytes) {
            m_load_done =
                m_dram.touch(t, sim::MemOp::Read, m_prep.weight_addr[m_layer], m_work.weight_bytes)
                    .done;
            m_state = State::Load;
          } else {
            m_state = State::NextJob;
          }
          break;
        }
        case State::Load:
          if (t < m_load_done) return;
          m_state = State::NextJob;
          break;
        case State::NextJob:
          if (m_job == m_work.jobs.size()) {
            finish_layer(t);
            break;
          }
          m_gather_end = t + m_work.jobs[m_job].gather_cycles;
          m_item = 0;
          m_state = State::Gather;
          break;
        case State::Gather:
          if (t < m_gather_end) return;
          pes->jobs.push(&m_work.jobs[m_job]);
          m_state = State::Broadcast;
          break;
        case State::Broadcast: {
          const SpmvJob& job = m_work.jobs[m_job];
          if (m_item < job.columns.size()) {
            bool room = true;
            for (const auto& q : pes->queues) room = room && q->ready();
            if (!room) {
              ++m_stats.lnzd.stall_cycles;
              return;
            }
            for (const auto& q : pes->queues) q->push(static_cast<uint32_t>(m_item));
            ++m_item;
          }
          if (m_item == job.columns.size()) {
            count_job(job, m_prep.params, m_stats);
            m_state = State::Wait;
          }
          return;
        }
        case State::Wait:
          return;
      }
  }

  void finish_layer(uint64_t t) {
    close_layer(m_stats, m_start, t, m_busy_before, m_prep.params.num_pes);
    m_recorder.end_layer();
    layers.push_back(m_meter.finish(m_prep.program.layers[m_layer], t));
    ++m_layer;
    m_state = State::NextLayer;
  }

  const Prepared& m_prep;
  EieStats& m_stats;
  sim::Dram& m_dram;
  sim::StatsRecorder& m_recorder;
  LayerMeter m_meter;
  State m_state = State::NextLayer;
  size_t m_layer = 0, m_job = 0, m_item = 0;
  LayerWork m_work;
  uint64_t m_cycle = 0, m_start = 0, m_busy_before = 0, m_load_done = 0, m_gather_end = 0;
};

}  // namespace

CycleModel::CycleModel(const workloads::Graph& graph, const EieParams& params,
                       const kernels::IntTensor& input)
    : m_prep(graph, params, input),
      m_clock("eie", params.clock_mhz),
      m_dram("dram", params.dram, m_clock, &m_stats) {
  init_stats(m_stats, params.num_pes);
  m_recorder = std::make_unique<sim::StatsRecorder>(m_stats);
}

EieResult CycleModel::run() {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  PeArray pes("pes", m_prep.params, m_stats);
  Ppu ppu("ppu");
  Controller controller("controller", m_prep, m_stats, m_dram, *m_recorder);
  controller.pes = &pes;
  controller.ppu = &ppu;
  pes.done = &controller.pe_done;
  ppu.done = &controller.ppu_done;
  pes.clk(clk);
  ppu.clk(clk);
  controller.clk(clk);
  sc_core::sc_start();
  if (!controller.finished) throw std::logic_error("eie cycle model stopped before the last layer");
  m_recorder->finalize();
  EieResult r;
  r.layers = controller.layers;
  set_run_totals(r, total_cycles(r.layers), m_clock);
  r.mac_utilization = m_stats.mac_utilization.value();
  return r;
}

}  // namespace qasim::arch::eie
