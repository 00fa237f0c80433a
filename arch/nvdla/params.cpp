#include "arch/nvdla/params.h"

#include "arch/common/numerics_params.h"

namespace qasim::arch::nvdla {

using sim::ParamSchema;

std::string to_string(Datapath d) {
  return d == Datapath::Int8 ? "int8" : "int16";
}

kernels::Numerics NvdlaParams::numerics() const {
  return numerics_of(*this);
}

namespace {

// nv_small (REFERENCES.md): 8x8 INT8 MACs, CBUF 32 banks x 8 B x 512 = 128 KB, an 8-byte
// memory interface with ~50 cycles of latency (8 B/cycle at 1 GHz = 8 GB/s).
NvdlaParams small_preset() {
  NvdlaParams p;
  p.dram.bandwidth_gb_s = 8.0;
  p.dram.latency_cycles = 50;
  p.dram.burst_bytes = 8;
  return p;
}

// nv_large: 64x32 = 2048 INT8 MACs, CBUF 16 banks x 64 B x 512 = 512 KB; 20 GB/s DRAM at
// 1 GHz, the setting of the primer's ResNet-50 estimate.
NvdlaParams large_preset() {
  NvdlaParams p;
  p.atomic_c = 64;
  p.atomic_k = 32;
  p.cbuf_banks = 16;
  p.cbuf_bank_bytes = 64;
  p.cbuf_entries = 512;
  p.cbuf_weight_banks = 8;
  p.sdp_throughput = 16;
  p.pdp_throughput = 16;
  p.dram.bandwidth_gb_s = 20.0;
  p.dram.latency_cycles = 50;
  p.dram.burst_bytes = 64;
  return p;
}

}  // namespace

const ParamSchema<NvdlaParams>& NvdlaParams::schema() {
  static const ParamSchema<NvdlaParams> schema(
      "nvdla", "NVDLA-style convolution core, CBUF, SDP and PDP", [](ParamSchema<NvdlaParams>& s) {
        s.add("atomic_c", &NvdlaParams::atomic_c, "channels",
              "input channels reduced per MAC cell per cycle")
            .range(1, 256);
        s.add("atomic_k", &NvdlaParams::atomic_k, "cells", "MAC cells (output channels) per cycle")
            .range(1, 256);
        s.add("cbuf_banks", &NvdlaParams::cbuf_banks, "banks", "convolution buffer banks")
            .range(2, 256);
        s.add("cbuf_bank_bytes", &NvdlaParams::cbuf_bank_bytes, "bytes", "width of a bank entry")
            .one_of({8, 16, 32, 64, 128});
        s.add("cbuf_entries", &NvdlaParams::cbuf_entries, "entries", "entries per bank")
            .range(16, 65536);
        s.add("cbuf_weight_banks", &NvdlaParams::cbuf_weight_banks, "banks",
              "banks that hold weights; the others hold input data")
            .min(1);
        s.add("double_buffer", &NvdlaParams::double_buffer, "",
              "load the next tile into one half of each CBUF part while computing on the other");
        s.add("image_input_packing", &NvdlaParams::image_input_packing, "",
              "first layer with C < atomic_c: an atom covers C x kernel_w input values "
              "(NVDLA image-input mode)");
        s.add_choice("datapath", &NvdlaParams::datapath,
                     {{"int8", Datapath::Int8}, {"int16", Datapath::Int16}},
                     "MAC operand width (narrower weights/activations run on it)");
        s.add("clock_mhz", &NvdlaParams::clock_mhz, "MHz", "core and memory-interface clock")
            .range(1.0, 10000.0);
        s.add_group("dram", &NvdlaParams::dram, sim::DramParams::schema(),
                    "DRAM behind the memory interface (cycles of the core clock)");
        s.add("sdp_throughput", &NvdlaParams::sdp_throughput, "elements/cycle",
              "single-point data processor rate")
            .range(1, 1024);
        s.add("pdp_throughput", &NvdlaParams::pdp_throughput, "taps/cycle",
              "planar data processor (pooling) rate")
            .range(1, 1024);
        add_numerics_fields(
            s, {"CACC width", "what CACC does past its width",
                "SDP requantization (NVDLA: integer multiply and shift)", "SDP multiplier width"});
        s.rule([](const NvdlaParams& p) -> std::string {
          return p.cbuf_weight_banks < p.cbuf_banks
                     ? ""
                     : "cbuf_weight_banks must leave at least one bank for data";
        });
        s.rule([](const NvdlaParams& p) -> std::string {
          return p.datapath_bits() <= p.accumulator_bits / 2
                     ? ""
                     : "accumulator_bits must be at least twice the datapath width";
        });
        s.preset("nvdla_small", "nv_small: 8x8 INT8 MACs, 128 KB CBUF, 8 B/cycle DRAM",
                 small_preset());
        s.preset("nvdla_large", "nv_large: 64x32 INT8 MACs, 512 KB CBUF, 20 GB/s DRAM",
                 large_preset());
      });
  return schema;
}

}  // namespace qasim::arch::nvdla
