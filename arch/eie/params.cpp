#include "arch/eie/params.h"

#include "arch/common/numerics_params.h"

namespace qasim::arch::eie {

using sim::ParamSchema;

kernels::Numerics EieParams::numerics() const {
  return numerics_of(*this);
}

const ParamSchema<EieParams>& EieParams::schema() {
  static const ParamSchema<EieParams> schema(
      "eie", "EIE-style sparse, weight-shared matrix-vector engine", [](ParamSchema<EieParams>& s) {
        s.add("num_pes", &EieParams::num_pes, "PEs", "processing elements; row r goes to PE r % N")
            .range(1, 4096);
        s.add("clock_mhz", &EieParams::clock_mhz, "MHz", "clock").range(1.0, 10000.0);
        s.add("queue_depth", &EieParams::queue_depth, "entries",
              "activation queue per PE; the broadcast stalls while any queue is full")
            .range(1, 1024);
        s.add("index_bits", &EieParams::index_bits, "bits",
              "codebook index per CSC entry (2^bits shared weights, index 0 = zero)")
            .range(1, 8);
        s.add("relative_index_bits", &EieParams::relative_index_bits, "bits",
              "zeros before an entry in its column; longer gaps take padding zero entries")
            .range(1, 8);
        s.add("weight_bits", &EieParams::weight_bits, "bits",
              "decoded shared weight (signed fixed point) fed to the multiplier")
            .range(2, 16);
        s.add("activation_bits", &EieParams::activation_bits, "bits",
              "activation minus its zero point, as the multiplier takes it (signed)")
            .range(2, 16);
        s.add("spmat_sram_bytes", &EieParams::spmat_sram_bytes, "bytes",
              "sparse-matrix SRAM per PE (CSC entries)")
            .range(64, int64_t{1} << 30);
        s.add("spmat_word_bits", &EieParams::spmat_word_bits, "bits",
              "sparse-matrix SRAM word: entries fetched per read")
            .one_of({16, 32, 64, 128, 256, 512});
        s.add("pointer_sram_bytes", &EieParams::pointer_sram_bytes, "bytes",
              "pointer SRAM per PE (two banks: even and odd columns)")
            .range(16, int64_t{1} << 30);
        s.add("pointer_bits", &EieParams::pointer_bits, "bits", "column pointer width")
            .range(8, 32);
        s.add("activation_registers", &EieParams::activation_registers, "activations",
              "per PE, in each of the source and destination register files")
            .range(1, 65536);
        s.add("activation_sram_bytes", &EieParams::activation_sram_bytes, "bytes",
              "per PE: source activations beyond the registers")
            .range(0, int64_t{1} << 30);
        s.add("ppu_lanes", &EieParams::ppu_lanes, "elements/cycle",
              "post-processing unit (pooling taps, residual adds, rescales)")
            .range(1, 65536);
        s.add_group("dram", &EieParams::dram, sim::DramParams::schema(),
                    "DRAM holding the compressed weights when they do not fit the PE SRAMs");
        add_numerics_fields(
            s, {"accumulator width", "what the accumulator does past its width",
                "requantization of the accumulators on write-back", "requantization multiplier"});
        s.add("synthetic_activation_density", &EieParams::synthetic_activation_density, "ratio",
              "run() without an input: probability that a synthetic input element is non-zero")
            .range(0.0, 1.0);
        s.add("synthetic_seed", &EieParams::synthetic_seed, "", "seed of the synthetic input")
            .min(0);
        s.rule([](const EieParams& p) -> std::string {
          return p.spmat_word_bits % p.entry_bits() == 0
                     ? ""
                     : "spmat_word_bits must hold a whole number of entries "
                       "(index_bits + relative_index_bits)";
        });
        s.rule([](const EieParams& p) -> std::string {
          return p.weight_bits + p.activation_bits <= p.accumulator_bits
                     ? ""
                     : "accumulator_bits must be at least weight_bits + activation_bits";
        });
        // Published (Han et al. 2016): 64 PEs, 800 MHz, 45 nm, FIFO depth 8, 4-bit index and
        // relative index, 16-bit shared weights, 64-bit sparse-matrix SRAM words, 128 KB
        // sparse-matrix + 32 KB pointer + 2 KB activation SRAM per PE, 64 activation
        // registers per file. The accumulator and requantization are this model's choice.
        s.preset("eie", "EIE (ISCA 2016): 64 PEs at 800 MHz, queue depth 8, 162 KB SRAM per PE",
                 EieParams{});
      });
  return schema;
}

}  // namespace qasim::arch::eie
