// A DMA engine moving a strided 1-D/2-D/3-D region between two memories (DRAM and an SRAM,
// either way), timed by the memories' own timing models. Plain C++: a fast model calls
// run(); the clocked wrapper (sim/dma_module.h) calls advance_to() at every edge; both issue
// the same requests at the same cycles, so they agree exactly.
//
// Timing rules:
// - The region is planes x rows x row_bytes; rows and planes are walked in order (plane,
//   then row). Each row is cut into chunks at multiples of max_request_bytes of the DRAM-side
//   address (the source of a load, the destination of a store), so DRAM requests stay
//   aligned; each chunk is one read request and, later, one write request.
// - Reads: one per cycle at most. Chunk i's read issues at
//   r_i = max(start + setup_cycles, r_{i-1} + 1, w_{i-K} + 1), K = max_outstanding: a chunk
//   holds a buffer slot from its read until the cycle after its write issues.
// - Writes: in chunk order, one per cycle at most: w_i = max(d_i, w_{i-1} + 1), where d_i is
//   the done cycle of chunk i's read.
// - The transfer is done at D = max over chunks of the write's done cycle.
// - Events due in the same cycle: the write goes before the read (fixed order, which matters
//   only when both memories are the same object).
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "sim/mem_types.h"
#include "sim/params.h"
#include "sim/stats.h"

namespace qasim::sim {

struct DmaParams {
  int max_request_bytes = 256;
  int max_outstanding = 8;
  int setup_cycles = 0;

  static const ParamSchema<DmaParams>& schema();
};

enum class DmaDirection : uint8_t { Load, Store };  // Load: DRAM -> SRAM; Store: SRAM -> DRAM

// One transfer: planes x rows x row_bytes, with byte strides between rows and planes on
// each side (strides may differ: that is how a DMA gathers or scatters tiles).
struct DmaTransfer {
  DmaDirection direction = DmaDirection::Load;
  uint64_t dram_addr = 0;
  uint64_t sram_addr = 0;
  uint64_t row_bytes = 0;
  uint64_t rows = 1;
  uint64_t planes = 1;
  int64_t dram_row_stride = 0;
  int64_t dram_plane_stride = 0;
  int64_t sram_row_stride = 0;
  int64_t sram_plane_stride = 0;
  uint64_t tag = 0;  // returned in the completion

  uint64_t bytes() const { return row_bytes * rows * planes; }
};

struct DmaStats : StatGroup {
  using StatGroup::StatGroup;
  Counter transfers{*this, "transfers", "transfers", "transfers started"};
  Counter bytes{*this, "bytes", "bytes", "bytes moved"};
  Counter chunks{*this, "chunks", "requests", "read/write request pairs issued"};
  Counter busy_cycles{*this, "busy_cycles", "cycles", "sum over transfers of done - start"};
  Counter slot_stall_cycles{*this, "slot_stall_cycles", "cycles",
                            "cycles reads waited for a free buffer slot"};
};

class DmaEngine {
 public:
  // Validates `p` (InputError). `dram` and `sram` outlive the engine.
  DmaEngine(std::string name, const DmaParams& p, Memory& dram, Memory& sram,
            StatGroup* stats_parent = nullptr);

  // Begins `t` at `cycle`; std::logic_error when a transfer is still running at `cycle`,
  // std::invalid_argument for an empty or negative-address region.
  void start(const DmaTransfer& t, uint64_t cycle);
  // Issues every read and write due at or before `cycle`, in cycle order.
  void advance_to(uint64_t cycle);
  // Every write issued, so done_cycle() is known.
  bool all_issued() const { return m_active && reads_done() && m_pending.empty(); }
  uint64_t done_cycle() const { return m_done; }
  // A transfer holds the engine until its done cycle.
  bool busy(uint64_t cycle) const { return m_active && (!all_issued() || cycle < m_done); }
  // Cycle of the next read or write to issue (max when none).
  uint64_t next_event() const;
  const DmaTransfer& transfer() const { return m_transfer; }
  uint64_t start_cycle() const { return m_start; }

  // The fast path: start, issue everything, return the done cycle.
  uint64_t run(const DmaTransfer& t, uint64_t cycle);

  const DmaStats& stats() const { return m_stats; }

 private:
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
  struct Chunk {
    uint64_t src, dst, bytes;
  };
  struct InFlight {
    Chunk chunk;
    uint64_t write_cycle;
    std::vector<uint8_t> data;
  };
  bool reads_done() const { return m_plane >= m_transfer.planes; }
  Chunk chunk_at() const;  // the chunk at the read cursor
  void step_cursor(uint64_t bytes);
  uint64_t next_read_cycle() const;
  void issue_read();
  void issue_write();

  std::string m_name;
  DmaParams m_params;
  Memory& m_dram;
  Memory& m_sram;
  DmaStats m_stats;

  DmaTransfer m_transfer;
  bool m_active = false;
  uint64_t m_start = 0;
  uint64_t m_done = 0;
  uint64_t m_plane = 0, m_row = 0, m_offset = 0;  // read cursor
  uint64_t m_last_read = kNever;                  // cycle of the latest read
  uint64_t m_last_write = kNever;                 // write cycle given to the latest chunk read
  std::deque<uint64_t> m_recent_writes;           // write cycles of the last K chunks, oldest first
  std::deque<InFlight> m_pending;                 // read, not yet written, in chunk order
};

}  // namespace qasim::sim
