// Action counts of the NVDLA model, declared once (sim/stats.h): what the cost model turns
// into energy. Counts, never energy. The DRAM's own stats join this tree as "nvdla.dram".
#pragma once

#include <string>

#include "sim/stats.h"

namespace qasim::arch::nvdla {

struct CmacStats : sim::StatGroup {
  using StatGroup::StatGroup;
  // Labels are the weight/activation precisions of the network's layers ("w8a8").
  sim::CounterVector mac{*this, "mac", "MACs", "useful multiply-accumulates, by precision"};
  sim::Counter busy_cycles{*this, "busy_cycles", "cycles",
                           "cycles the MAC array computed (atom passes)"};
  sim::Counter idle_cycles{*this, "idle_cycles", "cycles", "cycles the MAC array waited"};
  sim::Counter macs{*this, "macs", "MACs", "useful multiply-accumulates, all precisions"};
  sim::Scalar array_size{*this, "array_size", "MACs", "atomic_c x atomic_k"};
};

struct CbufStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter write_bytes{*this, "write_bytes", "bytes", "weights and input rows loaded by CDMA"};
  sim::Counter read_bytes{*this, "read_bytes", "bytes", "bytes CSC read for the MAC array"};
};

struct UnitStats : sim::StatGroup {
  using StatGroup::StatGroup;
  sim::Counter ops{*this, "ops", "elements", "elements (SDP) or window taps (PDP) processed"};
  sim::Counter busy_cycles{*this, "busy_cycles", "cycles", "cycles the unit processed"};
};

struct NvdlaStats : sim::StatGroup {
  explicit NvdlaStats(const std::string& name = "nvdla") : StatGroup(name) {}
  sim::Counter cycles{*this, "cycles", "cycles", "core clock cycles"};
  CmacStats cmac{"cmac", this};
  CbufStats cbuf{"cbuf", this};
  UnitStats sdp{"sdp", this};
  UnitStats pdp{"pdp", this};
  // Useful MACs over the MACs the array could have done in the elapsed cycles: the padding
  // of partial atoms and every stall lower it.
  sim::Formula mac_utilization{*this,
                               "mac_utilization",
                               "ratio",
                               "useful MACs / (cycles x atomic_c x atomic_k)",
                               {cmac.macs, cmac.array_size, cycles},
                               [](const std::vector<double>& v) {
                                 return v[1] > 0 && v[2] > 0 ? v[0] / (v[1] * v[2]) : 0.0;
                               }};
};

}  // namespace qasim::arch::nvdla
