#include "arch/eie/work.h"

#include <algorithm>

#include "arch/eie/executor.h"

namespace qasim::arch::eie {

LayerWork layer_work(const workloads::Graph& graph, const Program& program, size_t i,
                     const EieParams& p, const std::vector<kernels::IntTensor>& activations) {
  const LayerPlan& plan = program.layers.at(i);
  LayerWork work;
  if (plan.unit == Unit::Ppu) {
    work.ppu_ops = static_cast<uint64_t>(plan.ppu_ops);
    work.ppu_cycles = (work.ppu_ops + p.ppu_lanes - 1) / p.ppu_lanes;
    return work;
  }
  if (plan.unit != Unit::Spmv) return work;
  if (!program.resident) work.weight_bytes = static_cast<uint64_t>(program.weight_bytes(plan, p));
  const kernels::IntTensor& x = activations.at(graph.layers[i].inputs[0]);
  std::vector<int32_t> a;
  for (int grp = 0; grp < plan.groups; ++grp) {
    const EncodedMatrix& m = plan.matrices[grp];
    for (int64_t pos = 0; pos < plan.positions; ++pos) {
      spmv_input(graph, plan, x, 0, grp, pos, a);
      std::vector<uint32_t> nonzero;
      for (int j = 0; j < plan.cols; ++j)
        if (a[j] != 0) nonzero.push_back(static_cast<uint32_t>(j));
      for (int b = 0; b < m.batches; ++b) {
        SpmvJob job;
        job.matrix = &m;
        job.batch = b;
        // The im2col vector is gathered once per position, before its first batch.
        job.gathered = plan.lowered && b == 0 ? static_cast<uint32_t>(plan.cols) : 0;
        job.gather_cycles = (job.gathered + p.num_pes - 1) / p.num_pes;
        job.scanned = static_cast<uint32_t>(plan.cols);
        job.columns = nonzero;
        job.write_cycles = static_cast<uint32_t>(m.max_rows(b));
        int64_t rows = 0;
        for (int pe = 0; pe < m.num_pes; ++pe) rows += m.slice(b, pe).rows;
        job.outputs = static_cast<uint32_t>(rows);
        work.jobs.push_back(std::move(job));
      }
    }
  }
  return work;
}

void count_job(const SpmvJob& job, const EieParams& p, EieStats& s) {
  const EncodedMatrix& m = *job.matrix;
  const uint64_t items = job.columns.size();
  s.spmvs += 1;
  s.lnzd.scanned += job.scanned;
  s.lnzd.broadcasts += items;
  const uint64_t in_registers =
      std::min<uint64_t>(job.scanned, uint64_t(p.num_pes) * p.activation_registers);
  s.act.register_reads += in_registers;
  s.act.sram_reads += job.scanned - in_registers;
  s.act.gathered += job.gathered;
  s.act.outputs += job.outputs;
  s.pe.pointer_reads += 2 * items * static_cast<uint64_t>(m.num_pes);
  const uint32_t per_word = static_cast<uint32_t>(p.entries_per_word());
  uint64_t entries = 0, padding = 0, words = 0;
  // Each PE keeps the last word it fetched (eight entries of the 64-bit SRAM): a read only
  // when an entry lies in another word. Columns come in broadcast order, so the count does
  // not depend on time. The buffer starts empty at each job.
  std::vector<int64_t> last_word(size_t(m.num_pes), -1);
  for (uint32_t col : job.columns)
    for (int pe = 0; pe < m.num_pes; ++pe) {
      const PeSlice& sl = m.slice(job.batch, pe);
      const uint32_t first = sl.pointers[col], end = sl.pointers[col + 1];
      if (first == end) continue;
      entries += end - first;
      const int64_t w0 = first / per_word, w1 = (end - 1) / per_word;
      words += static_cast<uint64_t>(w1 - w0 + 1) - (w0 == last_word[pe] ? 1 : 0);
      last_word[pe] = w1;
      for (uint32_t e = first; e < end; ++e) padding += sl.entries[e].code == 0;
    }
  s.pe.entries += entries;
  s.pe.padding += padding;
  s.pe.macs += entries - padding;
  s.pe.spmat_reads += words;
}

}  // namespace qasim::arch::eie
