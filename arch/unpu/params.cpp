#include "arch/unpu/params.h"

#include "arch/common/numerics_params.h"

namespace qasim::arch::unpu {

using sim::ParamSchema;

kernels::Numerics UnpuParams::numerics() const {
  return numerics_of(*this);
}

namespace {

// The published chip: 4 DNN cores x 6 LBPEs at 200 MHz, 16-bit activations. The LBPE
// shape (16 LUTs of 8 entries: 3 activations, or 4 with +-1 weights; 12 lanes) is chosen so
// that the peaks equal the published 345.6 GOPS (16-bit) and 7372.8 GOPS (1-bit); the
// memories and the DRAM (3.2 GB/s, 16 B bursts, 20 cycles = 100 ns) are assumptions
// (README.md).
UnpuParams unpu_preset() {
  UnpuParams p;
  p.dram.bandwidth_gb_s = 3.2;
  p.dram.latency_cycles = 20;
  p.dram.burst_bytes = 16;
  return p;
}

}  // namespace

const ParamSchema<UnpuParams>& UnpuParams::schema() {
  static const ParamSchema<UnpuParams> schema(
      "unpu", "UNPU-style LUT-based bit-serial DNN cores, aggregation and SIMD cores",
      [](ParamSchema<UnpuParams>& s) {
        s.add("cores", &UnpuParams::cores, "cores", "DNN cores").range(1, 64);
        s.add("lbpes_per_core", &UnpuParams::lbpes_per_core, "LBPEs",
              "LUT-based bit-serial PEs per DNN core")
            .range(1, 64);
        s.add("lut_inputs", &UnpuParams::lut_inputs, "activations",
              "activations combined into one LUT of 2^lut_inputs partial sums (2..16-bit "
              "weights)")
            .range(1, 7);
        s.add("binary_half_lut", &UnpuParams::binary_half_lut, "",
              "with +-1 weights a LUT covers lut_inputs + 1 activations (symmetric sums)");
        s.add("luts_per_lbpe", &UnpuParams::luts_per_lbpe, "LUTs",
              "LUTs per LBPE (their outputs meet in one adder tree per lane)")
            .range(1, 256);
        s.add("lanes", &UnpuParams::lanes, "channels",
              "output channels an LBPE serves per cycle (one LUT read per LUT each)")
            .range(1, 256);
        s.add("lut_fill_entries", &UnpuParams::lut_fill_entries, "entries/cycle",
              "LUT entries written per cycle when the LUTs are rebuilt")
            .range(1, 256);
        s.add("lut_double_buffer", &UnpuParams::lut_double_buffer, "",
              "build the next LUTs while the current ones are read");
        s.add("activation_bits", &UnpuParams::activation_bits, "bits",
              "widest activation the datapath takes; DRAM and feature memory hold activations "
              "at this width")
            .range(2, 16);
        s.add("max_weight_bits", &UnpuParams::max_weight_bits, "bits",
              "widest weight the LBPE serialises (bit planes)")
            .range(1, 16);
        s.add("weight_memory_kib", &UnpuParams::weight_memory_kib, "KiB",
              "weight memory per DNN core")
            .range(1, 65536);
        s.add("weight_memory_banks", &UnpuParams::weight_memory_banks, "banks",
              "banks of each weight memory (energy per access; even with double_buffer: each half "
              "owns "
              "whole banks)")
            .range(1, 256);
        s.add("feature_memory_kib", &UnpuParams::feature_memory_kib, "KiB",
              "input feature memory shared by the DNN cores")
            .range(1, 65536);
        s.add("feature_memory_banks", &UnpuParams::feature_memory_banks, "banks",
              "banks of the feature memory (energy per access; even with double_buffer: each half "
              "owns "
              "whole banks)")
            .range(1, 256);
        s.add("double_buffer", &UnpuParams::double_buffer, "",
              "load the next tile into one half of each memory while computing on the other");
        s.add("aggregation_rate", &UnpuParams::aggregation_rate, "psums/cycle",
              "partial sums the aggregation core adds per cycle (with the bias)")
            .range(1, 4096);
        s.add("simd_lanes", &UnpuParams::simd_lanes, "elements/cycle",
              "1-D SIMD core rate (requantization, pooling taps, residual add, rescale)")
            .range(1, 4096);
        s.add("clock_mhz", &UnpuParams::clock_mhz, "MHz", "core clock").range(1.0, 10000.0);
        s.add_group("dram", &UnpuParams::dram, sim::DramParams::schema(),
                    "DRAM behind the DMA (cycles of the core clock)");
        add_numerics_fields(s, {"width of the aggregated partial sum",
                                "what the aggregation core does past accumulator_bits",
                                "SIMD-core requantization", "SIMD multiplier width"});
        s.rule([](const UnpuParams& p) -> std::string {
          return p.accumulator_bits >= p.activation_bits + 2
                     ? ""
                     : "accumulator_bits must exceed activation_bits by at least 2";
        });
        // The loader writes one half while the cores read the other: halves of whole banks
        // keep those accesses in different banks (README.md, "Memory banks").
        s.rule([](const UnpuParams& p) -> std::string {
          return !p.double_buffer ||
                         (p.feature_memory_banks % 2 == 0 && p.weight_memory_banks % 2 == 0)
                     ? ""
                     : "with double_buffer, feature_memory_banks and weight_memory_banks must "
                       "be even (each half owns whole banks)";
        });
        s.preset("unpu",
                 "UNPU (JSSC 2019): 4 DNN cores x 6 LBPEs, 200 MHz, 16-bit activations, 1-16-bit "
                 "weights",
                 unpu_preset());
      });
  return schema;
}

}  // namespace qasim::arch::unpu
