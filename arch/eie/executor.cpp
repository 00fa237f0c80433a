#include "arch/eie/executor.h"

#include "arch/common/execute_layers.h"
#include "kernels/ops.h"
#include "workloads/golden_engine.h"

namespace qasim::arch::eie {

using kernels::IntTensor;
using workloads::Graph;
using workloads::Layer;

void spmv_input(const Graph& graph, const LayerPlan& plan, const IntTensor& x, int64_t n, int group,
                int64_t position, std::vector<int32_t>& out) {
  const Layer& l = graph.layers[plan.layer];
  const Layer& src = graph.layers[l.inputs[0]];
  const int32_t zp = src.output_q.zero_point_at(0);
  const workloads::Shape3 in = src.output_shape;
  out.assign(size_t(plan.cols), 0);
  const int32_t* sample = x.data() + n * in.elements();
  if (!plan.lowered) {
    for (int j = 0; j < plan.cols; ++j) out[j] = sample[j] - zp;
    return;
  }
  const kernels::ConvGeometry& g = l.geometry;
  const int oy = static_cast<int>(position / l.output_shape.w);
  const int ox = static_cast<int>(position % l.output_shape.w);
  const int cg = in.c / plan.groups;
  int j = 0;
  for (int c = 0; c < cg; ++c) {
    const int32_t* plane = sample + int64_t{group * cg + c} * in.h * in.w;
    for (int r = 0; r < g.kernel_h; ++r) {
      const int iy = oy * g.stride_h - g.pad_top + r * g.dilation_h;
      for (int q = 0; q < g.kernel_w; ++q, ++j) {
        const int ix = ox * g.stride_w - g.pad_left + q * g.dilation_w;
        // A padding tap holds the zero point: a zero activation, never broadcast.
        if (iy >= 0 && iy < in.h && ix >= 0 && ix < in.w)
          out[j] = plane[int64_t{iy} * in.w + ix] - zp;
      }
    }
  }
}

namespace {

IntTensor run_spmv(const Graph& graph, const LayerPlan& plan, const kernels::Numerics& numerics,
                   const IntTensor& x) {
  const Layer& l = graph.layers[plan.layer];
  const kernels::QuantParams& xq = graph.layers[l.inputs[0]].output_q;
  const auto [lo, hi] = kernels::activation_bounds(l.activation, l.output_q, l.clip_lo, l.clip_hi);
  const kernels::Requantizer requant(numerics, xq.scale[0], l.weight_q.scale, l.output_q, lo, hi);
  const workloads::Shape3 os = l.output_shape;
  const int64_t batch = x.dim(0);
  IntTensor y({batch, os.c, os.h, os.w});
  std::vector<int32_t> a;
  kernels::AccTensor acc({plan.rows});
  for (int64_t n = 0; n < batch; ++n)
    for (int grp = 0; grp < plan.groups; ++grp)
      for (int64_t pos = 0; pos < plan.positions; ++pos) {
        spmv_input(graph, plan, x, n, grp, pos, a);
        for (int r = 0; r < plan.rows; ++r) {
          const int oc = grp * plan.rows + r;
          acc[r] = l.has_bias && !l.bias.empty() ? l.bias[oc] : 0;
        }
        multiply_accumulate(plan.matrices[grp], a.data(), acc.data());
        kernels::apply_overflow(acc, numerics.accumulator);
        for (int r = 0; r < plan.rows; ++r) {
          const int oc = grp * plan.rows + r;
          y[(n * os.c + oc) * plan.positions + pos] = requant.apply(acc[r], oc);
        }
      }
  return y;
}

}  // namespace

std::vector<IntTensor> execute(const Graph& graph, const Program& program, const EieParams& params,
                               const IntTensor& input) {
  const kernels::Numerics numerics = params.numerics();
  return execute_layers(
      graph, input, [&](size_t i) { return program.layers.at(i).unit == Unit::None; },
      [&](size_t i, const std::vector<const IntTensor*>& in) {
        const LayerPlan& plan = program.layers.at(i);
        if (plan.unit == Unit::Spmv) return run_spmv(graph, plan, numerics, *in[0]);
        return workloads::run_layer(graph, i, in, numerics);
      });
}

}  // namespace qasim::arch::eie
