// The oracle for every fast convolution / fully-connected path: plain nested loops over
// exact int64 sums, written for obviousness rather than speed.
#include <fmt/format.h>

#include <stdexcept>

#include "kernels/ops.h"

namespace qasim::kernels::reference {

namespace {

void check(bool ok, const char* op, const std::string& problem) {
  if (!ok) throw std::invalid_argument(fmt::format("{}: {}", op, problem));
}

// Activations carry one zero point; weights one per output channel (or one for all).
void check_zero_points(const char* op, const QuantParams& xq, const QuantParams& wq,
                       int64_t out_channels) {
  check(xq.zero_point.size() == 1, op, "the input must have a single zero point");
  check(wq.zero_point.size() == 1 || static_cast<int64_t>(wq.zero_point.size()) == out_channels, op,
        fmt::format("{} weight zero points for {} output channels", wq.zero_point.size(),
                    out_channels));
}

}  // namespace

AccTensor conv2d_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                            const QuantParams& wq, const std::vector<int32_t>& bias,
                            const ConvGeometry& g) {
  const char* op = "conv2d";
  check(x.rank() == 4, op, "input must be NCHW, got " + dims_to_string(x.dims()));
  check(w.rank() == 4, op,
        "weights must be [OC, IC/groups, KH, KW], got " + dims_to_string(w.dims()));
  const int64_t batch = x.dim(0), in_c = x.dim(1), in_h = x.dim(2), in_w = x.dim(3);
  const int64_t out_c = w.dim(0), group_in_c = w.dim(1);
  check(g.groups >= 1 && in_c % g.groups == 0 && out_c % g.groups == 0, op,
        fmt::format("{} groups do not divide {} input and {} output channels", g.groups, in_c,
                    out_c));
  check(group_in_c == in_c / g.groups, op,
        fmt::format("weights have {} input channels per group, input has {} / {}", group_in_c, in_c,
                    g.groups));
  check(w.dim(2) == g.kernel_h && w.dim(3) == g.kernel_w, op,
        fmt::format("weights {} disagree with kernel {}x{}", dims_to_string(w.dims()), g.kernel_h,
                    g.kernel_w));
  check(g.stride_h >= 1 && g.stride_w >= 1 && g.dilation_h >= 1 && g.dilation_w >= 1, op,
        "strides and dilations must be >= 1");
  check(g.pad_top >= 0 && g.pad_left >= 0 && g.pad_bottom >= 0 && g.pad_right >= 0, op,
        "pads must be >= 0");
  check(bias.empty() || static_cast<int64_t>(bias.size()) == out_c, op,
        fmt::format("{} biases for {} output channels", bias.size(), out_c));
  check_zero_points(op, xq, wq, out_c);
  // Checked before out_h()/out_w(), whose truncating division would round a negative up.
  check(in_h + g.pad_top + g.pad_bottom >= int64_t{g.dilation_h} * (g.kernel_h - 1) + 1 &&
            in_w + g.pad_left + g.pad_right >= int64_t{g.dilation_w} * (g.kernel_w - 1) + 1 &&
            g.kernel_h >= 1 && g.kernel_w >= 1,
        op, "the kernel does not fit the padded input");
  const int64_t out_h = g.out_h(static_cast<int>(in_h)), out_w = g.out_w(static_cast<int>(in_w));

  const int64_t x_zp = xq.zero_point[0];
  const int64_t out_c_per_group = out_c / g.groups;
  AccTensor acc({batch, out_c, out_h, out_w});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t oc = 0; oc < out_c; ++oc) {
      const int64_t group = oc / out_c_per_group;
      const int64_t w_zp = wq.zero_point_at(oc);
      for (int64_t oy = 0; oy < out_h; ++oy)
        for (int64_t ox = 0; ox < out_w; ++ox) {
          int64_t sum = bias.empty() ? 0 : bias[oc];
          for (int64_t ic = 0; ic < group_in_c; ++ic) {
            const int64_t c = group * group_in_c + ic;
            for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
              const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              if (iy < 0 || iy >= in_h) continue;  // padding is x_zp: contributes 0
              for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
                const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
                if (ix < 0 || ix >= in_w) continue;
                const int64_t xv = x[((n * in_c + c) * in_h + iy) * in_w + ix];
                const int64_t wv = w[((oc * group_in_c + ic) * g.kernel_h + ky) * g.kernel_w + kx];
                sum += (xv - x_zp) * (wv - w_zp);
              }
            }
          }
          acc[((n * out_c + oc) * out_h + oy) * out_w + ox] = sum;
        }
    }
  return acc;
}

AccTensor fc_accumulate(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                        const QuantParams& wq, const std::vector<int32_t>& bias) {
  const char* op = "fc";
  check(x.rank() == 2, op, "input must be [N, K], got " + dims_to_string(x.dims()));
  check(w.rank() == 2, op, "weights must be [OC, K], got " + dims_to_string(w.dims()));
  const int64_t batch = x.dim(0), k = x.dim(1), out_c = w.dim(0);
  check(w.dim(1) == k, op,
        fmt::format("input {} and weights {} disagree on K", dims_to_string(x.dims()),
                    dims_to_string(w.dims())));
  check(bias.empty() || static_cast<int64_t>(bias.size()) == out_c, op,
        fmt::format("{} biases for {} output channels", bias.size(), out_c));
  check_zero_points(op, xq, wq, out_c);

  const int64_t x_zp = xq.zero_point[0];
  AccTensor acc({batch, out_c});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t oc = 0; oc < out_c; ++oc) {
      const int64_t w_zp = wq.zero_point_at(oc);
      int64_t sum = bias.empty() ? 0 : bias[oc];
      for (int64_t i = 0; i < k; ++i) sum += (x[n * k + i] - x_zp) * (w[oc * k + i] - w_zp);
      acc[n * out_c + oc] = sum;
    }
  return acc;
}

}  // namespace qasim::kernels::reference
