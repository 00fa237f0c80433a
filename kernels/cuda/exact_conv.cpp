// Planning, packing and the host emulation of the exact inference kernels (exact_conv.h).
// Compiled in every build: the host tests run it without a GPU.
#include "kernels/cuda/exact_conv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "kernels/cuda/exact_conv_dot.h"
#include "kernels/fixed_point.h"

namespace qasim::kernels::cuda {

namespace fp = fixed_point;

std::string to_string(ExactPath path) {
  switch (path) {
    case ExactPath::Int8Signed:
      return "int8 dp4a (s8 x s8)";
    case ExactPath::Int8Unsigned:
      return "int8 dp4a (u8 x s8)";
    case ExactPath::Binary:
      return "binary xnor/popcount";
  }
  return "?";
}

namespace {

ExactConvPlanResult no_plan(std::string reason) {
  return {std::nullopt, std::move(reason)};
}

// The requantization of Requantizer's constructor (ops.h), in the form the kernels read.
// Constructing the Requantizer first makes it validate the scales and bounds exactly as the
// golden path does; the multipliers are then derived by the same public fixed_point calls
// (the host tests compare every output with Requantizer::apply, so a drift would show).
void plan_requant(ExactConvPlan& plan, const Numerics& numerics, float in_scale,
                  const std::vector<float>& w_scales, const QuantParams& out, int32_t lo,
                  int32_t hi) {
  const Requantizer check(numerics, in_scale, w_scales, out, lo, hi);
  (void)check;
  RequantSpec& s = plan.requant;
  s.kind = static_cast<RequantKind>(static_cast<int32_t>(numerics.requant));
  s.zero_point = out.zero_point.empty() ? 0 : out.zero_point[0];
  s.lo = lo;
  s.hi = hi;
  s.binary = out.scheme == Scheme::Binary;
  s.acc_bits = numerics.accumulator.bits;
  s.acc_wrap = numerics.accumulator.overflow == Overflow::Wrap;
  if (s.acc_bits < 2 || s.acc_bits > 64)
    throw std::invalid_argument(fmt::format("accumulator width {} outside [2, 64]", s.acc_bits));
  const auto oc = static_cast<int64_t>(plan.dims.out_c);
  plan.multipliers.resize(static_cast<size_t>(oc));
  for (int64_t c = 0; c < oc; ++c) {
    const float w_scale = w_scales.size() == 1 ? w_scales[0] : w_scales[static_cast<size_t>(c)];
    const float onnx = fp::rounded(in_scale * w_scale) / out.scale[0];
    const double real = static_cast<double>(in_scale) * static_cast<double>(w_scale) /
                        static_cast<double>(out.scale[0]);
    const fp::Multiplier m = fp::make_multiplier(numerics, onnx, real);
    ChannelMultiplier& cm = plan.multipliers[static_cast<size_t>(c)];
    cm.onnx = m.onnx;
    if (numerics.requant == RequantMode::Gemmlowp) {
      cm.fixed = m.q31.m0;
      cm.shift = m.q31.right_shift;
    } else if (numerics.requant == RequantMode::MulShift) {
      cm.fixed = m.mulshift.m;
      cm.shift = m.mulshift.shift;
    }
  }
}

}  // namespace

ExactConvPlanResult plan_exact_conv(int64_t in_c, int64_t in_h, int64_t in_w, const QuantParams& xq,
                                    const IntTensor& w, const QuantParams& wq,
                                    const std::vector<int32_t>& bias, const ConvGeometry& g,
                                    const Numerics& numerics, const QuantParams& out, int32_t lo,
                                    int32_t hi) {
  auto fail = [](const std::string& problem) {
    throw std::invalid_argument("exact conv: " + problem);
  };
  if (w.rank() != 4) fail("weights must be [OC, C/groups, KH, KW]");
  const int64_t oc = w.dim(0);
  if (g.groups < 1 || in_c % g.groups != 0 || oc % g.groups != 0 || w.dim(1) != in_c / g.groups)
    fail(fmt::format("{} input channels, weights {}, {} groups", in_c, dims_to_string(w.dims()),
                     g.groups));
  if (w.dim(2) != g.kernel_h || w.dim(3) != g.kernel_w) fail("weights disagree with the kernel");
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != oc) fail("one bias per channel");
  if (xq.zero_point.size() != 1 || xq.scale.size() != 1) fail("the input must be per tensor");
  if (wq.zero_point.size() != 1 && static_cast<int64_t>(wq.zero_point.size()) != oc)
    fail("one weight zero point, or one per output channel");
  if (wq.scale.size() != 1 && static_cast<int64_t>(wq.scale.size()) != oc)
    fail("one weight scale, or one per output channel");
  const int out_h = g.out_h(static_cast<int>(in_h)), out_w = g.out_w(static_cast<int>(in_w));
  if (out_h <= 0 || out_w <= 0) fail("the kernel does not fit the padded input");

  ExactConvPlan plan;
  ExactConvDims& d = plan.dims;
  d.in_c = static_cast<int32_t>(in_c);
  d.in_h = static_cast<int32_t>(in_h);
  d.in_w = static_cast<int32_t>(in_w);
  d.out_c = static_cast<int32_t>(oc);
  d.out_h = out_h;
  d.out_w = out_w;
  d.groups = g.groups;
  d.in_cg = static_cast<int32_t>(in_c / g.groups);
  d.out_cg = static_cast<int32_t>(oc / g.groups);
  d.kernel_h = g.kernel_h;
  d.kernel_w = g.kernel_w;
  d.stride_h = g.stride_h;
  d.stride_w = g.stride_w;
  d.pad_top = g.pad_top;
  d.pad_left = g.pad_left;
  d.dilation_h = g.dilation_h;
  d.dilation_w = g.dilation_w;

  // The weights as differences from their zero points, and their range.
  const int64_t taps = int64_t{g.kernel_h} * g.kernel_w, per_oc = d.in_cg * taps;
  bool all_pm1 = true, w_fits_s8 = true;
  int64_t w_max_abs = 0;
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t k = 0; k < per_oc; ++k) {
      const int64_t v = w[o * per_oc + k], diff = v - wq.zero_point_at(o);
      all_pm1 = all_pm1 && (v == 1 || v == -1);
      w_fits_s8 = w_fits_s8 && diff >= -128 && diff <= 127;
      w_max_abs = std::max(w_max_abs, std::abs(diff));
    }
  const bool w_zp_zero =
      std::all_of(wq.zero_point.begin(), wq.zero_point.end(), [](int32_t z) { return z == 0; });
  const int64_t x_zp = xq.zero_point[0];
  if (xq.scheme == Scheme::Binary && x_zp == 0 && all_pm1 && w_zp_zero) {
    plan.path = ExactPath::Binary;
    d.words = (d.in_cg + 63) / 64;
  } else {
    if (!w_fits_s8) return no_plan("weights minus their zero point do not fit a signed byte");
    // Pack x - x_zp when that fits a byte; else x itself, corrected per tap.
    const int64_t qmin = xq.qmin(), qmax = xq.qmax();
    auto fits = [](int64_t lo, int64_t hi, int64_t min, int64_t max) {
      return lo >= min && hi <= max;
    };
    int64_t offset = 0;
    if (fits(qmin - x_zp, qmax - x_zp, -128, 127)) {
      plan.path = ExactPath::Int8Signed, offset = x_zp;
    } else if (fits(qmin - x_zp, qmax - x_zp, 0, 255)) {
      plan.path = ExactPath::Int8Unsigned, offset = x_zp;
    } else if (fits(qmin, qmax, -128, 127)) {
      plan.path = ExactPath::Int8Signed;
    } else if (fits(qmin, qmax, 0, 255)) {
      plan.path = ExactPath::Int8Unsigned;
    } else {
      return no_plan(fmt::format("input range [{}, {}] fits no byte", qmin, qmax));
    }
    plan.x_pack_offset = static_cast<int32_t>(offset);
    d.x_delta = static_cast<int32_t>(offset - x_zp);
    const int64_t x_max_abs = std::max(std::abs(qmin - offset), std::abs(qmax - offset));
    // The int32 dot product and its correction must be exact (the golden reference sums in
    // int64).
    if (per_oc * (x_max_abs + std::abs(int64_t{d.x_delta})) * w_max_abs >= (int64_t{1} << 31))
      return no_plan(fmt::format("{} taps of |x| <= {}, |w| <= {} could overflow int32", per_oc,
                                 x_max_abs, w_max_abs));
    d.words = (d.in_cg + 3) / 4;
  }

  // Weights [OC][KH][KW][words], channels of a tap consecutive.
  const int64_t words = d.words;
  if (plan.path == ExactPath::Binary)
    plan.weights1.assign(static_cast<size_t>(oc * taps * words), 0);
  else
    plan.weights8.assign(static_cast<size_t>(oc * taps * words), 0),
        plan.tap_sums.assign(static_cast<size_t>(oc * taps), 0);
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t c = 0; c < d.in_cg; ++c)
      for (int64_t t = 0; t < taps; ++t) {
        const int64_t v = w[(o * d.in_cg + c) * taps + t] - wq.zero_point_at(o);
        const int64_t slot = (o * taps + t) * words;
        if (plan.path == ExactPath::Binary) {
          if (v < 0) plan.weights1[static_cast<size_t>(slot + c / 64)] |= uint64_t{1} << (c % 64);
        } else {
          plan.weights8[static_cast<size_t>(slot + c / 4)] |= static_cast<uint32_t>(v & 0xff)
                                                              << (8 * (c % 4));
          plan.tap_sums[static_cast<size_t>(o * taps + t)] += static_cast<int32_t>(v);
        }
      }
  plan.bias.assign(static_cast<size_t>(oc), 0);
  for (size_t o = 0; o < bias.size(); ++o) plan.bias[o] = bias[o];
  plan_requant(plan, numerics, xq.scale[0], wq.scale, out, lo, hi);
  return {std::move(plan), ""};
}

ExactConvPlanResult plan_exact_fc(int64_t k, const QuantParams& xq, const IntTensor& w,
                                  const QuantParams& wq, const std::vector<int32_t>& bias,
                                  const Numerics& numerics, const QuantParams& out, int32_t lo,
                                  int32_t hi) {
  if (w.rank() != 2 || w.dim(1) != k)
    throw std::invalid_argument(
        fmt::format("exact fc: weights {} for K = {}", dims_to_string(w.dims()), k));
  return plan_exact_conv(k, 1, 1, xq, w.reshaped({w.dim(0), k, 1, 1}), wq, bias, ConvGeometry{},
                         numerics, out, lo, hi);
}

ExactConvDims dims_for_input(const ExactConvPlan& plan, const IntTensor& x) {
  ExactConvDims d = plan.dims;
  const bool fc = x.rank() == 2;
  if (!(x.rank() == 4 || fc) || x.dim(1) != d.in_c ||
      (x.rank() == 4 && (x.dim(2) != d.in_h || x.dim(3) != d.in_w)) ||
      (fc && (d.in_h != 1 || d.in_w != 1)))
    throw std::invalid_argument(
        fmt::format("exact conv: input {} does not fit the layer's {}x{}x{}",
                    dims_to_string(x.dims()), d.in_c, d.in_h, d.in_w));
  d.batch = static_cast<int32_t>(x.dim(0));
  return d;
}

std::vector<uint32_t> pack_input8(const ExactConvPlan& plan, const ExactConvDims& d,
                                  const IntTensor& x) {
  const bool is_unsigned = plan.path == ExactPath::Int8Unsigned;
  const int64_t lo = is_unsigned ? 0 : -128, hi = is_unsigned ? 255 : 127;
  std::vector<uint32_t> packed(static_cast<size_t>(d.input_words()), 0);
  const int64_t plane = int64_t{d.in_h} * d.in_w;
  bool fits = true;
  // One iteration per (image, group, position): each owns its words.
#pragma omp parallel for schedule(static) reduction(&& : fits) if (x.size() > 65536)
  for (int64_t ngp = 0; ngp < int64_t{d.batch} * d.groups * plane; ++ngp) {
    const int64_t p = ngp % plane, ng = ngp / plane, n = ng / d.groups, group = ng % d.groups;
    uint32_t* dst = packed.data() + ngp * d.words;
    for (int64_t cg = 0; cg < d.in_cg; ++cg) {
      const int64_t v =
          int64_t{x[((n * d.in_c) + group * d.in_cg + cg) * plane + p]} - plan.x_pack_offset;
      fits = fits && v >= lo && v <= hi;
      dst[cg / 4] |= static_cast<uint32_t>(v & 0xff) << (8 * (cg % 4));
    }
  }
  if (!fits)
    throw std::invalid_argument(fmt::format(
        "exact conv: an input value minus {} is outside [{}, {}]", plan.x_pack_offset, lo, hi));
  return packed;
}

std::vector<uint64_t> pack_input1(const ExactConvPlan& plan, const ExactConvDims& d,
                                  const IntTensor& x) {
  (void)plan;
  std::vector<uint64_t> packed(static_cast<size_t>(d.input_words()), 0);
  const int64_t plane = int64_t{d.in_h} * d.in_w;
  bool fits = true;
  // One thread per (image, group, position): each owns its words.
#pragma omp parallel for schedule(static) reduction(&& : fits) if (x.size() > 65536)
  for (int64_t ngp = 0; ngp < int64_t{d.batch} * d.groups * plane; ++ngp) {
    const int64_t p = ngp % plane, ng = ngp / plane, n = ng / d.groups, group = ng % d.groups;
    uint64_t* dst = packed.data() + ngp * d.words;
    for (int64_t cg = 0; cg < d.in_cg; ++cg) {
      const int32_t v = x[((n * d.in_c) + group * d.in_cg + cg) * plane + p];
      fits = fits && (v == 1 || v == -1);
      if (v < 0) dst[cg / 64] |= uint64_t{1} << (cg % 64);
    }
  }
  if (!fits) throw std::invalid_argument("exact conv: a binary layer's input is not all ±1");
  return packed;
}

IntTensor run_exact_conv_host(const ExactConvPlan& plan, const IntTensor& x) {
  const ExactConvDims d = dims_for_input(plan, x);
  IntTensor y({d.batch, d.out_c, d.out_h, d.out_w});
  const int64_t total = d.outputs();
  if (plan.path == ExactPath::Binary) {
    const std::vector<uint64_t> xp = pack_input1(plan, d, x);
    const BinaryWord dot{d.in_cg};
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < total; ++i)
      y[i] = exact_conv_output(d, xp.data(), plan.weights1.data(), nullptr, plan.requant,
                               plan.multipliers.data(), plan.bias.data(), i, dot);
    return y;
  }
  const std::vector<uint32_t> xp = pack_input8(plan, d, x);
  if (plan.path == ExactPath::Int8Unsigned) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < total; ++i)
      y[i] =
          exact_conv_output(d, xp.data(), plan.weights8.data(), plan.tap_sums.data(), plan.requant,
                            plan.multipliers.data(), plan.bias.data(), i, Int8UnsignedWord{});
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < total; ++i)
      y[i] =
          exact_conv_output(d, xp.data(), plan.weights8.data(), plan.tap_sums.data(), plan.requant,
                            plan.multipliers.data(), plan.bias.data(), i, Int8SignedWord{});
  }
  return y;
}

}  // namespace qasim::kernels::cuda
