// Action counts of the UNPU model, declared once (sim/stats.h): what the cost model turns
// into energy. Counts, never energy. The DRAM's own stats join this tree as "unpu.dram".
#pragma once

#include <string>

#include "sim/stats.h"

namespace qasim::arch::unpu {

struct LbpeStats : sim::StatGroup {
  using StatGroup::StatGroup;
  // Labels are the weight coding and input bits of the network's layers ("w4a8", "w1ba8").
  sim::CounterVector mac{*this, "mac", "MACs", "useful multiply-accumulates, by precision"};
  sim::Counter macs{*this, "macs", "MACs", "useful multiply-accumulates, all precisions"};
  sim::Counter bit_macs{*this, "bit_macs", "MAC-bits", "MACs x weight bit planes"};
  sim::Counter busy_cycles{*this, "busy_cycles", "cycles", "cycles the DNN cores computed"};
  sim::Counter idle_cycles{*this, "idle_cycles", "cycles", "cycles the DNN cores waited"};
  sim::Counter lane_slots{*this, "lane_slots", "MAC-bits",
                          "cycles x LBPEs x reduction lanes x output lanes at each layer's "
                          "weight precision (the bit-MACs the cores could have done)"};
  sim::Counter lut_builds{*this, "lut_builds", "LUTs", "LUTs (re)built from activations"};
  sim::Counter lut_writes{*this, "lut_writes", "entries", "LUT entries written"};
  sim::Counter lut_build_adds{*this, "lut_build_adds", "adds", "adds that computed LUT entries"};
  sim::Counter lut_reads{*this, "lut_reads", "entries", "LUT entries read (one per weight plane)"};
  sim::Counter tree_adds{*this, "tree_adds", "adds", "adds in the LUT-output adder trees"};
  sim::Counter shift_adds{*this, "shift_adds", "ops", "shift-adds of a plane into a lane"};
};

struct MemoryStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter write_bytes{*this, "write_bytes", "bytes", "bytes the DMA wrote into it"};
  sim::Counter read_bytes{*this, "read_bytes", "bytes", "bytes the cores read from it"};
};

struct UnitStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter ops{*this, "ops", "ops",
                   "partial sums added (aggregation) or elements/taps processed (SIMD)"};
  sim::Counter busy_cycles{*this, "busy_cycles", "cycles", "cycles the unit processed"};
};

struct UnpuStats : sim::StatGroup {
  explicit UnpuStats(const std::string& name = "unpu") : StatGroup(name) {}
  sim::Counter cycles{*this, "cycles", "cycles", "core clock cycles"};
  LbpeStats lbpe{"lbpe", this};
  MemoryStats weight_mem{"weight_mem", this};
  MemoryStats feature_mem{"feature_mem", this};
  UnitStats aggregation{"aggregation", this};
  UnitStats simd{"simd", this};
  // Bit-MACs done over the bit-MACs the LBPEs could have done in the elapsed cycles.
  sim::Formula utilization{
      *this,
      "utilization",
      "ratio",
      "lbpe.bit_macs / lbpe.lane_slots",
      {lbpe.bit_macs, lbpe.lane_slots},
      [](const std::vector<double>& v) { return v[1] > 0 ? v[0] / v[1] : 0.0; }};
};

}  // namespace qasim::arch::unpu
