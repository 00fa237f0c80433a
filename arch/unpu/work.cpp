#include "arch/unpu/work.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "arch/common/int_math.h"
#include "workloads/errors.h"

namespace qasim::arch::unpu {

using workloads::Layer;
using workloads::OpKind;

namespace {

uint64_t act_bytes(const workloads::Shape3& s, const UnpuParams& p) {
  return u64(s.elements()) * u64(p.activation_bytes());
}

}  // namespace

DramLayout plan_dram(const workloads::Graph& graph, const Program& program,
                     const UnpuParams& params) {
  DramSizing sizing;
  sizing.aliases_input = [&](size_t i) { return program.layers[i].unit == Unit::None; };
  sizing.output_bytes = [&](size_t i) { return act_bytes(graph.layers[i].output_shape, params); };
  sizing.weight_bytes = [&](size_t i) -> std::optional<uint64_t> {
    const LayerCommand& cmd = program.layers[i];
    if (cmd.unit != Unit::Lbpe) return std::nullopt;
    return ceil_div(u64(graph.weight_count(i)) * u64(cmd.coding.planes), 8);
  };
  return plan_dram_pages(graph, sizing, "unpu", params.dram.capacity_bytes);
}

std::vector<DramRequest> tile_loads(const workloads::Graph& graph, const LayerCommand& cmd,
                                    const Tile& t, const DramLayout& layout,
                                    const UnpuParams& params) {
  const ConvShape& s = cmd.conv;
  const uint64_t bpe = u64(params.activation_bytes());
  const uint64_t plane = u64(s.in_h) * u64(s.in_w);
  const uint64_t c_first = u64(t.group) * u64(s.group_in()) + u64(t.c0);
  const uint64_t channels = u64(t.c1 - t.c0);
  const uint64_t in_addr = layout.act[graph.layers[cmd.layer].inputs[0]];
  std::vector<DramRequest> out;
  if (t.load_weights) {
    const uint64_t k_first = u64(t.group) * u64(s.group_out()) + u64(t.k0);
    const uint64_t planes = u64(cmd.coding.planes);
    const uint64_t base = layout.weight[cmd.layer];
    if (t.c0 == 0 && t.c1 == s.group_in()) {
      out.push_back({base + k_first * u64(s.reduction()) * planes / 8, u64(t.weight_bytes)});
    } else {
      // One input-channel pass: each output channel's slice, whole bytes of packed bits.
      const uint64_t taps = u64(s.geometry.kernel_h) * u64(s.geometry.kernel_w);
      for (uint64_t k = k_first; k < k_first + u64(t.k1 - t.k0); ++k) {
        const uint64_t bit0 = (k * u64(s.reduction()) + u64(t.c0) * taps) * planes;
        const uint64_t bit1 = bit0 + channels * taps * planes;
        out.push_back({base + bit0 / 8, ceil_div(bit1, 8) - bit0 / 8});
      }
    }
  }
  if (t.data_bytes > 0) {
    const uint64_t rows = u64(t.iy1 - t.iy0), cols = u64(t.ix1 - t.ix0);
    const bool full_width = t.ix0 == 0 && t.ix1 == s.in_w;
    if (full_width && t.iy0 == 0 && t.iy1 == s.in_h) {
      out.push_back({in_addr + c_first * plane * bpe, u64(t.data_bytes)});
    } else if (full_width) {
      for (uint64_t c = 0; c < channels; ++c)
        out.push_back({in_addr + ((c_first + c) * plane + u64(t.iy0) * u64(s.in_w)) * bpe,
                       rows * cols * bpe});
    } else {
      for (uint64_t c = 0; c < channels; ++c)
        for (uint64_t y = u64(t.iy0); y < u64(t.iy1); ++y)
          out.push_back(
              {in_addr + ((c_first + c) * plane + y * u64(s.in_w) + u64(t.ix0)) * bpe, cols * bpe});
    }
  }
  return out;
}

std::vector<DramRequest> tile_writes(const LayerCommand& cmd, const Tile& t,
                                     const DramLayout& layout, const UnpuParams& params) {
  const ConvShape& s = cmd.conv;
  const uint64_t bpe = u64(params.activation_bytes());
  const uint64_t plane = u64(s.out_h) * u64(s.out_w);
  const uint64_t k_first = u64(t.group) * u64(s.group_out()) + u64(t.k0);
  const uint64_t rows = u64(t.oy1 - t.oy0), cols = u64(t.ox1 - t.ox0);
  const uint64_t addr = layout.act[cmd.layer];
  const bool full_width = t.ox0 == 0 && t.ox1 == s.out_w;
  if (full_width && t.oy0 == 0 && t.oy1 == s.out_h)
    return {{addr + k_first * plane * bpe, u64(t.k1 - t.k0) * plane * bpe}};
  std::vector<DramRequest> out;
  for (uint64_t k = 0; k < u64(t.k1 - t.k0); ++k) {
    const uint64_t base = (k_first + k) * plane + u64(t.oy0) * u64(s.out_w) + u64(t.ox0);
    if (full_width) {
      out.push_back({addr + base * bpe, rows * cols * bpe});
    } else {
      for (uint64_t y = 0; y < rows; ++y)
        out.push_back({addr + (base + y * u64(s.out_w)) * bpe, cols * bpe});
    }
  }
  return out;
}

uint64_t CoreSchedule::luts_in_chunk(uint64_t c) const {
  const uint64_t first = c * luts_per_chunk;
  return first >= lut_groups ? 0 : std::min(luts_per_chunk, lut_groups - first);
}

uint64_t CoreSchedule::lanes_in_group(uint64_t g, uint64_t lanes) const {
  const uint64_t first = g * lanes;
  return first >= kt ? 0 : std::min(lanes, kt - first);
}

CoreSchedule core_schedule(const LayerCommand& cmd, const Tile& t, const UnpuParams& p) {
  const LutShape shape = lut_shape(p, cmd.coding);
  CoreSchedule s;
  s.pixels = u64(t.oy1 - t.oy0) * u64(t.ox1 - t.ox0);
  s.kt = u64(t.k1 - t.k0);
  s.reduction = u64(tile_reduction(cmd, t));
  s.lut_groups = ceil_div(s.reduction, u64(shape.inputs));
  s.luts_per_chunk = u64(p.luts_per_lbpe);
  s.chunks = u64(t.chunks);
  s.split = u64(t.core_split);
  s.passes = ceil_div(s.chunks, s.split);
  // LBPE slots: the cores outside one reduction split take other pixels.
  s.slots = u64(p.cores) / s.split * u64(p.lbpes_per_core);
  s.kgroups = ceil_div(s.kt, u64(p.lanes));
  // Fewer pixels than slots: the spare LBPEs take other output-channel groups of a pixel
  // (as many LBPEs as the groups need at kg_per_lbpe groups each).
  const uint64_t spare = s.pixels >= s.slots ? 1 : std::min(s.slots / s.pixels, s.kgroups);
  s.kg_per_lbpe = ceil_div(s.kgroups, spare);
  s.k_split = ceil_div(s.kgroups, s.kg_per_lbpe);
  s.rounds = ceil_div(s.items(), s.slots);
  s.build = u64(p.lut_build_cycles());
  s.lookups = s.kg_per_lbpe * u64(cmd.coding.planes);
  s.step = p.lut_double_buffer ? std::max(s.build, s.lookups) : s.build + s.lookups;
  s.cycles =
      p.lut_double_buffer ? s.build + (s.sets() - 1) * s.step + s.lookups : s.sets() * s.step;
  return s;
}

uint64_t build_adds_per_lut(const WeightCoding& coding, const UnpuParams& p) {
  return coding.binary ? u64(p.lut_entries()) - 1 : u64(p.lut_entries()) - 1 - u64(p.lut_inputs);
}

TileWork tile_work(const LayerCommand& cmd, const Tile& t, const UnpuParams& p) {
  const CoreSchedule s = core_schedule(cmd, t, p);
  const uint64_t planes = u64(cmd.coding.planes);
  const uint64_t inputs = u64(lut_shape(p, cmd.coding).inputs);
  const uint64_t groups = u64(p.cores) / s.split;  // core groups
  TileWork w;
  w.core_cycles = s.cycles;
  w.outputs = s.kt * s.pixels;
  w.macs = w.outputs * s.reduction;
  w.lut_builds = s.items() * s.lut_groups;
  w.lut_writes = w.lut_builds * u64(p.lut_entries());
  w.lut_build_adds = w.lut_builds * build_adds_per_lut(cmd.coding, p);
  w.lut_reads = w.outputs * s.lut_groups * planes;
  w.tree_adds = w.outputs * planes * (s.lut_groups - s.chunks);
  w.shift_adds = w.outputs * planes * s.chunks;
  // Every round, each core group streams the tile's packed weights once to its LBPEs.
  w.weight_mem_reads = s.rounds * groups * ceil_div(s.kt * s.reduction * planes, 8);
  w.weight_mem_writes = t.load_weights ? u64(t.weight_bytes) * groups : 0;
  w.feature_mem_reads = w.lut_builds * inputs * u64(p.activation_bytes());
  w.feature_mem_writes = u64(t.data_bytes);
  w.agg_adds = w.outputs * s.split;  // split-1 partial sums and the bias per output
  w.agg_cycles = ceil_div(w.agg_adds, u64(p.aggregation_rate));
  w.simd_cycles = ceil_div(w.outputs, u64(p.simd_lanes));
  return w;
}

void count_core_work(const TileWork& w, UnpuStats& stats) {
  stats.lbpe.busy_cycles += w.core_cycles;
  stats.lbpe.lut_builds += w.lut_builds;
  stats.lbpe.lut_writes += w.lut_writes;
  stats.lbpe.lut_build_adds += w.lut_build_adds;
  stats.lbpe.lut_reads += w.lut_reads;
  stats.lbpe.tree_adds += w.tree_adds;
  stats.lbpe.shift_adds += w.shift_adds;
  stats.weight_mem.read_bytes += w.weight_mem_reads;
  stats.feature_mem.read_bytes += w.feature_mem_reads;
}

SimdWork simd_work(const workloads::Graph& graph, const LayerCommand& cmd, const DramLayout& layout,
                   const UnpuParams& params) {
  const Layer& l = graph.layers[cmd.layer];
  SimdWork w;
  for (int in : l.inputs)
    w.reads.push_back({layout.act[in], act_bytes(graph.layers[in].output_shape, params)});
  w.write = {layout.act[cmd.layer], act_bytes(l.output_shape, params)};
  const uint64_t out = u64(l.output_shape.elements());
  w.ops = out;
  if (l.kind == OpKind::MaxPool || l.kind == OpKind::AvgPool)
    w.ops = out * u64(l.geometry.kernel_h) * u64(l.geometry.kernel_w);
  if (l.kind == OpKind::GlobalAvgPool)
    w.ops = u64(graph.layers[l.inputs[0]].output_shape.elements());
  w.busy_cycles = ceil_div(w.ops, u64(params.simd_lanes));
  return w;
}

std::string mac_label(const workloads::Graph& graph, const LayerCommand& cmd) {
  const Layer& l = graph.layers[cmd.layer];
  return fmt::format("{}a{}", to_string(cmd.coding), graph.layers[l.inputs[0]].output_q.bits);
}

std::vector<size_t> add_mac_labels(const workloads::Graph& graph, const Program& program,
                                   LbpeStats& lbpe) {
  std::vector<size_t> index(graph.layers.size());
  for (const LayerCommand& cmd : program.layers) {
    if (cmd.unit != Unit::Lbpe) continue;
    index[cmd.layer] = label_index(lbpe.mac, mac_label(graph, cmd));
  }
  return index;
}

uint64_t lane_slots(const LayerCommand& cmd, uint64_t cycles, const UnpuParams& p) {
  const bool binary = cmd.unit == Unit::Lbpe && cmd.coding.binary;
  return cycles * u64(p.lbpes()) * u64(p.chunk(binary)) * u64(p.lanes);
}

}  // namespace qasim::arch::unpu
