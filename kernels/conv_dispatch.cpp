// The golden reference's conv and FC entry points: each picks the fastest path that is
// exact for the operands at hand. Every path computes the same integers as
// reference::conv2d_accumulate; they differ only in speed and in what they accept.
#include <omp.h>

#include <stdexcept>
#include <string>

#include "kernels/binary_conv.h"
#include "kernels/im2col.h"
#include "kernels/onednn_conv.h"
#include "kernels/ops.h"

namespace qasim::kernels {

namespace {

void run_conv(const ConvProblem& p, bool binary, AccTensor& out) {
  if (out.empty()) return;
  if (binary) {
    // XNOR/popcount does 512 binary MACs per vpopcntq (at best one per cycle), an AMX tile
    // multiply 1024 int8 MACs per cycle. Measured on ResNet-18's convs (2 threads, see
    // results/golden_kernels.md) the binary path runs at 0.3-1.25x of oneDNN's AMX kernels
    // (0.5x over the network), but at 1.4-1.9x of its AVX-512 VNNI kernels on the 3x3
    // convs of 28x28 maps and smaller. So +-1 data goes through oneDNN where its kernel is
    // AMX, else here. The binary path declines when a value is not +-1 (the scheme
    // promises it, but the data decides).
    const bool amx = onednn_conv_impl(p).find("amx") != std::string::npos;
    if (amx && onednn_conv(p, out)) return;
    if (binary_conv(p, out)) return;
  }
  if (onednn_conv(p, out)) return;
  conv_via_gemm(p, out);
}

}  // namespace

AccTensor conv2d_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                            const QuantParams& wq, const std::vector<int32_t>& bias,
                            const ConvGeometry& g) {
  const std::optional<ConvProblem> p = make_conv_problem(x, xq, w, wq, bias, g);
  if (!p) return reference::conv2d_accumulate(x, xq, w, wq, bias, g);
  const ConvShape& s = p->s;
  AccTensor out({s.batch, s.out_c, s.out_h, s.out_w});
  const bool binary = xq.scheme == Scheme::Binary && wq.scheme == Scheme::Binary;
  run_conv(*p, binary, out);
  return out;
}

AccTensor fc_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                        const QuantParams& wq, const std::vector<int32_t>& bias) {
  if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1))
    throw std::invalid_argument("fc: x " + dims_to_string(x.dims()) + " and w " +
                                dims_to_string(w.dims()) + " must be [N, K] and [OC, K]");
  const int64_t batch = x.dim(0), k = x.dim(1), out_c = w.dim(0);
  if (batch == 0 || out_c == 0) return reference::fc_accumulate(x, xq, w, wq, bias);
  // A 1x1 convolution over a 1 x batch image: the batch becomes the GEMM's long side
  // (positions), which every path vectorises and parallelises over.
  IntTensor xt({1, k, 1, batch});
#pragma omp parallel for if (batch * k > (1 << 16))
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t i = 0; i < k; ++i) xt[i * batch + n] = x[n * k + i];
  const Dims conv_w_dims = {out_c, k, 1, 1};
  const ConvGeometry g;
  const std::optional<ConvProblem> p = make_conv_problem(xt, xq, w, wq, bias, g, &conv_w_dims);
  if (!p) return reference::fc_accumulate(x, xq, w, wq, bias);
  AccTensor acc({1, out_c, 1, batch});
  run_conv(*p, xq.scheme == Scheme::Binary && wq.scheme == Scheme::Binary, acc);
  AccTensor out({batch, out_c});
  for (int64_t oc = 0; oc < out_c; ++oc)
    for (int64_t n = 0; n < batch; ++n) out[n * out_c + oc] = acc[oc * batch + n];
  return out;
}

}  // namespace qasim::kernels
