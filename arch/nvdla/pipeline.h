// The handshakes between the NVDLA units, shared by the fast model (which adds their
// cycles) and the clocked model (whose sim::Channel register stages make them). Every
// message between units, and every request to or response from the DRAM port, crosses one
// register stage: sent at edge c, seen at edge c + kHop.
//
//   controller --command--> CDMA, CONV (CSC+CMAC+CACC), SDP, WDMA   (or PDP/SDP-standalone)
//   CDMA --reads--> DRAM port --responses--> CDMA --"tile loaded"--> CONV
//   CONV --"tile done" (frees its CBUF half)--> CDMA;  CONV --"last chunk done"--> SDP
//   SDP --"tile requantized"--> WDMA --writes--> DRAM port --responses--> WDMA
//   WDMA (or the standalone unit) --"layer done"--> controller, which starts the next layer
//   at the edge it sees that.
//
// The DRAM port calls the DRAM timing model at the edge it sees a request (so with that
// issue cycle), writes before reads, each client's requests in the order sent, and sends a
// response at the request's done cycle.
#pragma once

#include <cstdint>

namespace qasim::arch::nvdla {

inline constexpr uint64_t kHop = 1;  // one register stage per message

}  // namespace qasim::arch::nvdla
