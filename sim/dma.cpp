#include "sim/dma.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace qasim::sim {

const ParamSchema<DmaParams>& DmaParams::schema() {
  static const ParamSchema<DmaParams> schema(
      "dma", "strided DRAM <-> SRAM copy engine", [](ParamSchema<DmaParams>& s) {
        s.add("max_request_bytes", &DmaParams::max_request_bytes, "bytes",
              "largest request; rows are cut at multiples of it in DRAM addresses")
            .range(1, 1 << 20);
        s.add("max_outstanding", &DmaParams::max_outstanding, "requests",
              "chunks read but not yet written (buffer slots)")
            .range(1, 1024);
        s.add("setup_cycles", &DmaParams::setup_cycles, "cycles",
              "from start to the first read (descriptor decode)")
            .range(0, 1 << 20);
      });
  return schema;
}

DmaEngine::DmaEngine(std::string name, const DmaParams& p, Memory& dram, Memory& sram,
                     StatGroup* stats_parent)
    : m_name(std::move(name)),
      m_params(p),
      m_dram(dram),
      m_sram(sram),
      m_stats(m_name, stats_parent) {
  DmaParams::schema().validate(p);
}

namespace {

// The lowest byte address a side of the transfer touches; negative means out of range.
int64_t lowest_address(uint64_t base, int64_t row_stride, int64_t plane_stride, uint64_t rows,
                       uint64_t planes) {
  const int64_t r = std::min<int64_t>(0, row_stride * static_cast<int64_t>(rows - 1));
  const int64_t p = std::min<int64_t>(0, plane_stride * static_cast<int64_t>(planes - 1));
  return static_cast<int64_t>(base) + r + p;
}

}  // namespace

void DmaEngine::start(const DmaTransfer& t, uint64_t cycle) {
  if (busy(cycle))
    throw std::logic_error(fmt::format("{}: start at cycle {} while busy", m_name, cycle));
  if (t.row_bytes == 0 || t.rows == 0 || t.planes == 0)
    throw std::invalid_argument(m_name + ": empty transfer");
  if (lowest_address(t.dram_addr, t.dram_row_stride, t.dram_plane_stride, t.rows, t.planes) < 0 ||
      lowest_address(t.sram_addr, t.sram_row_stride, t.sram_plane_stride, t.rows, t.planes) < 0)
    throw std::invalid_argument(m_name + ": strides reach below address 0");
  m_transfer = t;
  m_active = true;
  m_start = cycle;
  m_done = cycle;
  m_plane = m_row = m_offset = 0;
  m_last_read = m_last_write = kNever;
  m_recent_writes.clear();
  m_pending.clear();
  ++m_stats.transfers;
  m_stats.bytes += t.bytes();
}

DmaEngine::Chunk DmaEngine::chunk_at() const {
  const DmaTransfer& t = m_transfer;
  const auto at = [&](uint64_t base, int64_t row_stride, int64_t plane_stride) {
    return static_cast<uint64_t>(static_cast<int64_t>(base) +
                                 static_cast<int64_t>(m_row) * row_stride +
                                 static_cast<int64_t>(m_plane) * plane_stride) +
           m_offset;
  };
  const uint64_t dram = at(t.dram_addr, t.dram_row_stride, t.dram_plane_stride);
  const uint64_t sram = at(t.sram_addr, t.sram_row_stride, t.sram_plane_stride);
  const uint64_t limit = static_cast<uint64_t>(m_params.max_request_bytes);
  const uint64_t bytes = std::min(t.row_bytes - m_offset, limit - dram % limit);
  if (t.direction == DmaDirection::Load) return {dram, sram, bytes};
  return {sram, dram, bytes};
}

void DmaEngine::step_cursor(uint64_t bytes) {
  m_offset += bytes;
  if (m_offset < m_transfer.row_bytes) return;
  m_offset = 0;
  if (++m_row < m_transfer.rows) return;
  m_row = 0;
  ++m_plane;
}

uint64_t DmaEngine::next_read_cycle() const {
  uint64_t r = m_start + static_cast<uint64_t>(m_params.setup_cycles);
  if (m_last_read != kNever) r = std::max(r, m_last_read + 1);
  if (m_recent_writes.size() == static_cast<size_t>(m_params.max_outstanding))
    r = std::max(r, m_recent_writes.front() + 1);
  return r;
}

uint64_t DmaEngine::next_event() const {
  if (!m_active) return kNever;
  const uint64_t read = reads_done() ? kNever : next_read_cycle();
  const uint64_t write = m_pending.empty() ? kNever : m_pending.front().write_cycle;
  return std::min(read, write);
}

void DmaEngine::issue_read() {
  const uint64_t r = next_read_cycle();
  uint64_t unblocked = m_start + static_cast<uint64_t>(m_params.setup_cycles);
  if (m_last_read != kNever) unblocked = std::max(unblocked, m_last_read + 1);
  m_stats.slot_stall_cycles += r - unblocked;

  const Chunk chunk = chunk_at();
  std::vector<uint8_t> data(chunk.bytes);
  Memory& src = m_transfer.direction == DmaDirection::Load ? m_dram : m_sram;
  const uint64_t d = src.read(r, chunk.src, data).done;
  const uint64_t w = m_last_write == kNever ? d : std::max(d, m_last_write + 1);
  m_pending.push_back({chunk, w, std::move(data)});
  m_recent_writes.push_back(w);
  if (m_recent_writes.size() > static_cast<size_t>(m_params.max_outstanding))
    m_recent_writes.pop_front();
  m_last_read = r;
  m_last_write = w;
  ++m_stats.chunks;
  step_cursor(chunk.bytes);
}

void DmaEngine::issue_write() {
  InFlight& f = m_pending.front();
  Memory& dst = m_transfer.direction == DmaDirection::Load ? m_sram : m_dram;
  m_done = std::max(m_done, dst.write(f.write_cycle, f.chunk.dst, f.data).done);
  m_pending.pop_front();
  if (all_issued()) m_stats.busy_cycles += m_done - m_start;
}

void DmaEngine::advance_to(uint64_t cycle) {
  for (;;) {
    const uint64_t next = next_event();
    if (next == kNever || next > cycle) return;
    // A write due in the same cycle as a read goes first.
    if (!m_pending.empty() && m_pending.front().write_cycle == next)
      issue_write();
    else
      issue_read();
  }
}

uint64_t DmaEngine::run(const DmaTransfer& t, uint64_t cycle) {
  start(t, cycle);
  advance_to(kNever);
  return m_done;
}

}  // namespace qasim::sim
