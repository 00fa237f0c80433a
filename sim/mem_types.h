// Types shared by the memory models (SRAM, DRAM) and their users (DMA, accelerators).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace qasim::sim {

enum class MemOp : uint8_t { Read, Write };

// One DRAM transfer an accelerator asks for: `bytes` from `addr` (the DramPort times it).
struct DramAccess {
  uint64_t addr = 0;
  uint64_t bytes = 0;
};

// When an access happened, as decided by a timing model. Cycles count rising edges of the
// memory's clock from 0.
struct MemTiming {
  uint64_t issue = 0;  // cycle the request was presented
  uint64_t start = 0;  // cycle its last piece started, after bank conflicts or queueing
  uint64_t done = 0;   // first cycle at which read data is usable / written data is readable
};

// A memory core with a functional store and a timing model (Sram, Dram): what the clocked
// wrapper and the DMA engine call. Data moves at the call; the timing says when the
// hardware would have it. Calls come in nondecreasing cycle order.
class Memory {
 public:
  virtual ~Memory() = default;
  virtual MemTiming read(uint64_t cycle, uint64_t addr, std::span<uint8_t> out) = 0;
  virtual MemTiming write(uint64_t cycle, uint64_t addr, std::span<const uint8_t> data) = 0;
  virtual const std::string& name() const = 0;
};

}  // namespace qasim::sim
