// NVDLA-style accelerator params: the convolution core (atomic_c x atomic_k MAC array),
// the convolution buffer (CBUF) split into data and weight banks, the datapath width, the
// clock, the DRAM behind the memory interface, the post-processing units (SDP, PDP) and
// the numerics the hardware computes with.
//
// Numerics: NVDLA's SDP rescales the CACC output with an integer multiplier and a right
// shift, so this accelerator requantizes with RequantMode::MulShift and a 16-bit
// multiplier by default (round half up, saturate). The accumulator width and its
// overflow behaviour are params; the golden reference runs with the same numerics().
#pragma once

#include <cstdint>
#include <string>

#include "kernels/numerics.h"
#include "sim/dram_timing.h"
#include "sim/params.h"

namespace qasim::arch::nvdla {

enum class Datapath { Int8, Int16 };

struct NvdlaParams {
  int atomic_c = 8;  // input channels each MAC cell reduces per cycle
  int atomic_k = 8;  // MAC cells (output channels) per cycle

  int cbuf_banks = 32;
  int cbuf_bank_bytes = 8;     // width of one bank entry
  int cbuf_entries = 512;      // entries per bank
  int cbuf_weight_banks = 16;  // banks given to weights; the rest hold input data
  bool double_buffer = true;   // split each CBUF part in two halves: load one, compute on the other
  // NVDLA's image-input mode: a first layer with fewer channels than atomic_c reads each
  // input row's pixels contiguously, so one atom covers C x kernel_w values (timing only).
  bool image_input_packing = true;

  Datapath datapath = Datapath::Int8;
  double clock_mhz = 1000;
  sim::DramParams dram;

  int sdp_throughput = 8;  // output elements per cycle through SDP (bias, requant, ReLU, add)
  int pdp_throughput = 8;  // pooling window taps per cycle

  int accumulator_bits = 32;
  kernels::Overflow overflow = kernels::Overflow::Saturate;
  kernels::RequantMode requant = kernels::RequantMode::MulShift;
  int mulshift_bits = 16;

  int64_t cbuf_bytes() const { return int64_t{cbuf_banks} * cbuf_bank_bytes * cbuf_entries; }
  int64_t weight_bytes() const {
    return int64_t{cbuf_weight_banks} * cbuf_bank_bytes * cbuf_entries;
  }
  int64_t data_bytes() const { return cbuf_bytes() - weight_bytes(); }
  // What one tile may use of each part: half of it when double buffering.
  int64_t weight_tile_bytes() const { return double_buffer ? weight_bytes() / 2 : weight_bytes(); }
  int64_t data_tile_bytes() const { return double_buffer ? data_bytes() / 2 : data_bytes(); }
  int datapath_bits() const { return datapath == Datapath::Int8 ? 8 : 16; }
  int element_bytes() const { return datapath_bits() / 8; }
  int macs() const { return atomic_c * atomic_k; }

  // The arithmetic this accelerator computes with.
  kernels::Numerics numerics() const;

  // Fields, ranges, presets (nvdla_small, nvdla_large) and cross-field rules.
  static const sim::ParamSchema<NvdlaParams>& schema();
};

std::string to_string(Datapath d);

}  // namespace qasim::arch::nvdla
