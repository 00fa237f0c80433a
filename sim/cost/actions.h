// What an accelerator model hands the cost model (DESIGN.md contract 3, counts not
// energy): how many times each component did each kind of action, and what the
// accelerator is built of. The cost model (sim/cost/) maps actions to pJ and the
// inventory to µm² and leakage from sourced tables; nothing here knows any accelerator.
//
// Action kinds, and what `bits` holds (operand widths, most significant first):
//   "mac"            multiply-accumulate: {weight bits, activation bits, accumulator bits}
//   "mult"           integer multiply: {a bits, b bits}
//   "add"            integer add or accumulate: {width}
//   "shift_add"      bit-serial shift-and-add step: {width}
//   "xnor_popcount"  XNOR + popcount over a vector: {vector width}
//   "lut_read"       lookup-table read (bit-serial PEs, codebooks): {entry bits, entries}
//   "lut_write"      lookup-table entry write: {entry bits, entries}
//   "rf_read"        register-file read: {word bits}
//   "rf_write"       register-file write: {word bits}
//   "sram_read"      SRAM access of one word: {word bits}; sized by the inventory item
//   "sram_write"     of the same component
//   "dram_read"      DRAM transfer of `count` bytes: {} (technology from the cost tables)
//   "dram_write"
//   "comparator"     compare (max pooling, leading-non-zero detection): {width}
//   "register_write" write of a pipeline or accumulator register: {width}
// `count` is the number of actions (bytes for DRAM).
// A codebook lookup (shared weights) is a "lut_read" of {entry bits, entries}. "rf_read" and
// "rf_write" need their component to be a "register_file" (or "lut") item with its size in
// bytes; "sram_read"/"sram_write" a "sram" item (size per instance, banks, ports). Memory
// items give `size` in unit "bytes", or in "entries"/"words" of bits[0] bits each.
// The cost model (sim/cost/evaluate.h) refuses any other kind, naming it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qasim::sim::cost {

struct Action {
  std::string component;  // the inventory component it happened in ("cmac", "cbuf", ...)
  std::string kind;       // one of the kinds above
  std::vector<int> bits;  // widths as listed for the kind
  uint64_t count = 0;
};

struct LayerActions {
  std::string layer;
  std::vector<Action> actions;
};

// One kind of hardware component and how many the accelerator has.
struct InventoryItem {
  std::string component;  // name its actions use ("cmac", "cbuf", ...)
  std::string kind;       // "mac", "adder", "multiplier", "sram", "register_file", "lut",
                          // "xnor_popcount", "shift_add", "comparator", "register",
                          // "interface" (off-chip memory port: no area modeled)
  int64_t count = 0;      // instances
  int64_t size = 0;       // per instance, in `unit` (bytes for memories)
  std::string unit;
  std::vector<int> bits;  // operand widths, or the word width of a memory
  int banks = 1;          // memories
  int ports = 1;          // memories
};

}  // namespace qasim::sim::cost
