#include "arch/eie/compiler.h"

#include <fmt/format.h>

#include <algorithm>

#include "arch/common/layer_shape.h"
#include "workloads/errors.h"

namespace qasim::arch::eie {

using workloads::Graph;
using workloads::InputError;
using workloads::Layer;
using workloads::OpKind;

std::string to_string(Unit u) {
  switch (u) {
    case Unit::Spmv:
      return "spmv";
    case Unit::Ppu:
      return "ppu";
    default:
      return "";
  }
}

namespace {

// The activations a layer's SpMV reads, minus their zero point, must fit the multiplier.
void check_activation_width(const Graph& g, const Layer& l, const EieParams& p) {
  const kernels::QuantParams& xq = g.layers[l.inputs[0]].output_q;
  const int64_t zp = xq.zero_point_at(0);
  const int64_t lo = int64_t{xq.qmin()} - zp, hi = int64_t{xq.qmax()} - zp;
  const int64_t limit = (int64_t{1} << (p.activation_bits - 1)) - 1;
  if (lo < -limit - 1 || hi > limit)
    throw InputError(layer_place(g, l),
                     fmt::format("input activations minus zero point span [{}, {}], wider than "
                                 "the {}-bit multiplier input",
                                 lo, hi, p.activation_bits));
}

LayerPlan plan_spmv(const Graph& g, const Layer& l, const EieParams& p) {
  LayerPlan plan;
  plan.unit = Unit::Spmv;
  const workloads::Shape3 in = g.layers[l.inputs[0]].output_shape;
  if (l.weights.empty())
    throw InputError(layer_place(g, l),
                     "no weights: EIE's timing follows the weights' non-zero pattern, so the "
                     "model must carry its weights");
  check_activation_width(g, l, p);
  const int oc = l.out_channels;
  if (l.kind == OpKind::FullyConnected) {
    plan.rows = oc;
    plan.cols = static_cast<int>(in.elements());
  } else {
    plan.lowered = true;
    plan.groups = l.geometry.groups;
    plan.rows = oc / plan.groups;
    plan.cols = in.c / plan.groups * l.geometry.kernel_h * l.geometry.kernel_w;
    plan.positions = int64_t{l.output_shape.h} * l.output_shape.w;
  }
  if (plan.cols > p.source_capacity())
    throw InputError(layer_place(g, l),
                     fmt::format("input vector of {} activations exceeds the {} the PEs' "
                                 "activation registers and SRAMs hold",
                                 plan.cols, p.source_capacity()));
  // Effective weights (value minus zero point), [OC, cols] row-major.
  std::vector<int32_t> eff(l.weights.data(), l.weights.data() + l.weights.size());
  const int64_t per_row = static_cast<int64_t>(eff.size()) / oc;
  for (int o = 0; o < oc; ++o) {
    const int32_t zp = l.weight_q.zero_point_at(o);
    for (int64_t k = 0; k < per_row; ++k) eff[o * per_row + k] -= zp;
  }
  const HardwareCodebook book = build_codebook(eff, p, layer_place(g, l));
  std::vector<int64_t> entries(p.num_pes, 0);
  for (int grp = 0; grp < plan.groups; ++grp) {
    plan.matrices.push_back(
        encode(eff.data() + int64_t{grp} * plan.rows * per_row, plan.rows, plan.cols, book, p));
    const EncodedMatrix& m = plan.matrices.back();
    for (int b = 0; b < m.batches; ++b)
      for (int pe = 0; pe < p.num_pes; ++pe)
        entries[pe] += static_cast<int64_t>(m.slice(b, pe).entries.size());
    plan.storage_pointers += int64_t{m.batches} * (plan.cols + 1);
  }
  plan.storage_entries = *std::max_element(entries.begin(), entries.end());
  if (plan.storage_entries > p.spmat_entries())
    throw InputError(layer_place(g, l),
                     fmt::format("a PE needs {} CSC entries, its sparse-matrix SRAM holds {} "
                                 "(weights larger than the PE SRAMs are not split)",
                                 plan.storage_entries, p.spmat_entries()));
  if (plan.storage_pointers > p.pointer_entries())
    throw InputError(layer_place(g, l),
                     fmt::format("a PE needs {} column pointers, its pointer SRAM "
                                 "holds {}",
                                 plan.storage_pointers, p.pointer_entries()));
  return plan;
}

int64_t ppu_ops(const Graph& g, const Layer& l) {
  const int64_t out = l.output_shape.elements();
  switch (l.kind) {
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      return out * l.geometry.kernel_h * l.geometry.kernel_w;
    case OpKind::GlobalAvgPool:
      return g.layers[l.inputs[0]].output_shape.elements();
    case OpKind::Add:
      return 2 * out;
    case OpKind::Concat:
      return out;
    default:
      return 0;
  }
}

}  // namespace

int64_t Program::weight_bytes(const LayerPlan& l, const EieParams& p) const {
  int64_t entries = 0;
  for (const EncodedMatrix& m : l.matrices) entries += m.entries;
  return (entries * p.entry_bits() + 7) / 8 +
         int64_t{p.num_pes} * l.storage_pointers * p.pointer_bits / 8;
}

Program compile(const Graph& graph, const EieParams& p) {
  EieParams::schema().validate(p);
  graph.validate();
  Program prog;
  int64_t total_entries = 0, total_pointers = 0;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& l = graph.layers[i];
    LayerPlan plan;
    switch (l.kind) {
      case OpKind::Conv:
      case OpKind::FullyConnected:
        plan = plan_spmv(graph, l, p);
        total_entries += plan.storage_entries;
        total_pointers += plan.storage_pointers;
        break;
      case OpKind::Input:
        break;
      case OpKind::Flatten:
        // Free when the quantization is kept (a relabelling of the activation registers).
        if (!(l.output_q == graph.layers[l.inputs[0]].output_q)) {
          plan.unit = Unit::Ppu;
          plan.ppu_ops = l.output_shape.elements();
        }
        break;
      default:
        plan.unit = Unit::Ppu;
        plan.ppu_ops = ppu_ops(graph, l);
        if (plan.ppu_ops == 0)
          throw InputError(layer_place(graph, l),
                           fmt::format("the EIE model has no unit for a {} layer",
                                       workloads::to_string(l.kind)));
    }
    plan.layer = i;
    plan.name = l.name;
    prog.layers.push_back(std::move(plan));
  }
  prog.resident = total_entries <= p.spmat_entries() && total_pointers <= p.pointer_entries();
  return prog;
}

}  // namespace qasim::arch::eie
