#include "workloads/zoo/init.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "workloads/errors.h"
#include "workloads/zoo/random.h"

namespace qasim::workloads::zoo {

using kernels::Activation;
using kernels::QuantParams;
using kernels::Scheme;

namespace {

// Per-output-channel gains g ~ U[0.5, 1.5) give the channels different ranges, as folded
// BatchNorms do, so per-channel scales matter; E[g^2] = 13/12.
constexpr double kMeanGainSq = 13.0 / 12.0;
// Every random weight lies within kWeightBound He standard deviations (|bell| <= 3 times a
// gain below 1.5), so per-tensor scales derived from it never clip.
constexpr double kWeightBound = 4.5;
// Activations are quantized up to kClipSigmas standard deviations of the pre-activation.
constexpr double kClipSigmas = 3.0;
// Random biases have this fraction of the pre-activation's standard deviation.
constexpr double kBiasFraction = 0.1;

struct Precision {
  int weight_bits = 8;
  Scheme scheme = Scheme::Uniform;
  int activation_bits = 8;
};

int effective_bits(Scheme s, int bits) {
  if (s == Scheme::Binary) return 1;
  if (s == Scheme::Ternary) return 2;
  return bits;
}

void check_weight_bits(const std::string& where, Scheme s, int bits) {
  int lo = 2, hi = 16;
  if (s == Scheme::PowerOfTwo) hi = 6;  // exponents up to 2^30
  if (s == Scheme::Codebook) lo = 1, hi = 8;
  if (s == Scheme::Binary || s == Scheme::Ternary) return;
  if (bits < lo || bits > hi)
    throw InputError(where, fmt::format("{} weights need {}..{} bits, got {}",
                                        kernels::to_string(s), lo, hi, bits));
}

// 1-bit activations are binary (BNN / XNOR-Net): the sign of the exact result, which
// replaces the layer's ReLU. The input image needs at least 2 bits.
void check_activation_bits(const std::string& where, int bits, bool is_input) {
  const int min_bits = is_input ? 2 : 1;
  if (bits < min_bits || bits > 16)
    throw InputError(where, fmt::format("{} need {}..16 bits (1 = binary), got {}",
                                        is_input ? "input images" : "activations", min_bits, bits));
}

// Largest n with bound * 2^n <= qmax: the Qm.n format that holds every weight.
int fixed_point_frac_bits(double bound, int bits) {
  const double qmax = std::ldexp(1.0, bits - 1) - 1;
  for (int n = 30; n > 0; --n)
    if (bound * std::ldexp(1.0, n) <= qmax) return n;
  return 0;
}

// Quantization of a layer's weights before any weight is drawn: per tensor, from the
// analytic bound. Shape-only graphs keep it; per-channel schemes refine it from the draws.
QuantParams analytic_weight_q(Scheme s, int bits, double std) {
  const double bound = kWeightBound * std;
  QuantParams q;
  q.scheme = s;
  q.bits = effective_bits(s, bits);
  q.is_signed = true;
  switch (s) {
    case Scheme::Uniform:
      q.scale = {static_cast<float>(bound / q.qmax())};
      break;
    case Scheme::Binary:
    case Scheme::Ternary:
      q.scale = {static_cast<float>(std)};
      break;
    case Scheme::PowerOfTwo:
      q.scale = {static_cast<float>(bound / q.qmax())};
      break;
    case Scheme::Codebook:
      q.codebook = linear_codebook(bits);
      q.scale = {static_cast<float>(bound / q.qmax())};
      break;
    case Scheme::FixedPoint:
      q.frac_bits = fixed_point_frac_bits(bound, bits);
      q.scale = {static_cast<float>(std::ldexp(1.0, -q.frac_bits))};
      break;
  }
  return q;
}

int32_t clamp_round(double v, int32_t lo, int32_t hi) {
  const double r = std::nearbyint(v);  // round half to even, as ONNX QuantizeLinear
  if (!(r >= lo)) return lo;
  return r > hi ? hi : static_cast<int32_t>(r);
}

// Quantizes one output channel's real weights `w` into `out`; returns the channel scale.
float quantize_channel(const QuantParams& q, const std::vector<double>& w, int32_t* out) {
  double max_abs = 0, sum_abs = 0;
  for (double v : w) max_abs = std::max(max_abs, std::abs(v)), sum_abs += std::abs(v);
  max_abs = std::max(max_abs, 1e-12);
  const auto n = static_cast<double>(w.size());
  switch (q.scheme) {
    case Scheme::Uniform: {
      const int32_t qmax = q.qmax();
      const double s = max_abs / qmax;
      for (size_t k = 0; k < w.size(); ++k) out[k] = clamp_round(w[k] / s, -qmax, qmax);
      return static_cast<float>(s);
    }
    case Scheme::Binary: {  // XNOR-Net: sign with sign(0) = +1, alpha = mean |w|
      for (size_t k = 0; k < w.size(); ++k) out[k] = w[k] >= 0 ? 1 : -1;
      return static_cast<float>(std::max(sum_abs / n, 1e-12));
    }
    case Scheme::Ternary: {  // TWN: delta = 0.7 E|w|, alpha = mean |w| above delta
      const double delta = 0.7 * sum_abs / n;
      double kept = 0;
      int64_t count = 0;
      for (size_t k = 0; k < w.size(); ++k) {
        const bool big = std::abs(w[k]) > delta;
        out[k] = big ? (w[k] > 0 ? 1 : -1) : 0;
        if (big) kept += std::abs(w[k]), ++count;
      }
      return static_cast<float>(count ? kept / count : std::max(delta, 1e-12));
    }
    case Scheme::PowerOfTwo: {  // nearest power of two in the log domain, 0 below 2^-0.5
      const int emax = q.max_exponent();
      const double s = max_abs / std::ldexp(1.0, emax);
      for (size_t k = 0; k < w.size(); ++k) {
        const double v = std::abs(w[k]) / s;
        if (v < M_SQRT1_2) {
          out[k] = 0;
          continue;
        }
        int e = 0;
        while (e < emax && v >= std::ldexp(M_SQRT2, e)) ++e;
        out[k] = (w[k] < 0 ? -1 : 1) * (int32_t{1} << e);
      }
      return static_cast<float>(s);
    }
    case Scheme::Codebook: {  // per tensor: nearest shared value
      const double s = q.scale[0];
      const std::vector<int32_t>& book = q.codebook;
      for (size_t k = 0; k < w.size(); ++k) {
        const double v = w[k] / s;
        auto it = std::lower_bound(book.begin(), book.end(), v,
                                   [](int32_t e, double x) { return e < x; });
        if (it == book.end() || (it != book.begin() && v - *(it - 1) <= *it - v)) --it;
        out[k] = *it;
      }
      return q.scale[0];
    }
    case Scheme::FixedPoint: {  // per tensor Qm.n
      const double f = std::ldexp(1.0, q.frac_bits);
      for (size_t k = 0; k < w.size(); ++k) out[k] = clamp_round(w[k] * f, q.qmin(), q.qmax());
      return q.scale[0];
    }
  }
  return q.scale[0];
}

bool per_channel(Scheme s) {
  return s != Scheme::Codebook && s != Scheme::FixedPoint;
}

// Draws and quantizes a weighted layer's weights and biases; fills weights, weight_q, bias.
void draw_weights(Layer& l, int64_t fan_in, double std, double pre_std, float in_scale,
                  uint64_t seed) {
  Rng rng(seed_for(seed, l.name));
  const int oc = l.out_channels;
  std::vector<int32_t> values(static_cast<size_t>(oc * fan_in));
  std::vector<float> scales;
  std::vector<double> w(static_cast<size_t>(fan_in));
  for (int c = 0; c < oc; ++c) {
    const double channel_std = std * (0.5 + rng.uniform());
    for (double& v : w) v = channel_std * rng.bell();
    scales.push_back(quantize_channel(l.weight_q, w, values.data() + c * fan_in));
  }
  if (per_channel(l.weight_q.scheme)) l.weight_q.scale = scales;
  if (l.kind == OpKind::Conv)
    l.weights = kernels::IntTensor({oc, fan_in / (l.geometry.kernel_h * l.geometry.kernel_w),
                                    l.geometry.kernel_h, l.geometry.kernel_w},
                                   std::move(values));
  else
    l.weights = kernels::IntTensor({oc, fan_in}, std::move(values));
  l.bias.clear();
  if (!l.has_bias) return;
  constexpr int32_t lim = std::numeric_limits<int32_t>::max();
  for (int c = 0; c < oc; ++c) {
    const double b = kBiasFraction * pre_std * rng.bell();
    l.bias.push_back(clamp_round(b / (double{in_scale} * l.weight_q.scale_at(c)), -lim, lim));
  }
}

QuantParams activation_q(int bits, bool is_signed, double clip) {
  // A binary activation's scale is its magnitude: about one standard deviation.
  if (bits == 1) return QuantParams::binary({static_cast<float>(std::max(clip, 1e-6) / kClipSigmas)});
  const QuantParams probe = QuantParams::uniform(bits, is_signed, 1.f);
  return QuantParams::uniform(bits, is_signed,
                              static_cast<float>(std::max(clip, 1e-6) / probe.qmax()));
}

}  // namespace

std::vector<int32_t> linear_codebook(int bits) {
  const int k = 1 << bits;
  std::vector<int32_t> book;
  if (k >= 255) {
    for (int v = -128; v < 128; ++v) book.push_back(v);
    return book;
  }
  for (int i = 0; i < k; ++i)
    book.push_back(static_cast<int32_t>(std::nearbyint(-127.0 + i * 254.0 / (k - 1))));
  return book;
}

void assign_precision_and_weights(Graph& g, const std::vector<float>& gains, const ZooOptions& o,
                                  bool with_weights) {
  const std::string model = fmt::format("model '{}'", g.name);
  for (const auto& [name, p] : o.layer_precision) {
    const int i = g.find(name);
    if (i < 0)
      throw InputError(model, fmt::format("precision override for unknown layer '{}'", name));
    const Layer& l = g.layers[i];
    if (l.fixed_weights && (p.weight_bits || p.scheme))
      throw InputError(model, fmt::format("layer '{}' has fixed 0/1 weights", name));
    if (!l.has_weights() && (p.weight_bits || p.scheme))
      throw InputError(model, fmt::format("layer '{}' has no weights", name));
    const bool keeps_input_q = l.kind == OpKind::MaxPool || l.kind == OpKind::AvgPool ||
                               l.kind == OpKind::GlobalAvgPool || l.kind == OpKind::Flatten ||
                               l.fixed_weights;
    if (keeps_input_q && p.activation_bits)
      throw InputError(model, fmt::format("layer '{}' keeps its input's quantization", name));
  }
  int first = -1, last = -1;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].has_weights() && !g.layers[i].fixed_weights) {
      if (first < 0) first = static_cast<int>(i);
      last = static_cast<int>(i);
    }

  const int base_bits = effective_bits(o.weight_scheme, o.weight_bits);
  const int auto_edge = base_bits < 8 ? 8 : base_bits;
  auto precision = [&](int i) {
    Precision p{o.weight_bits, o.weight_scheme, o.activation_bits};
    auto edge = [&](int bits) {
      if (bits == 0) bits = auto_edge;
      if (bits != base_bits) p.weight_bits = bits, p.scheme = Scheme::Uniform;
      return bits;
    };
    if (i == first) edge(o.first_layer_bits);
    if (i == last) p.activation_bits = std::max(o.activation_bits, edge(o.last_layer_bits));
    if (i == 0) p.activation_bits = o.input_bits;
    if (auto it = o.layer_precision.find(g.layers[i].name); it != o.layer_precision.end()) {
      if (it->second.weight_bits) p.weight_bits = *it->second.weight_bits;
      if (it->second.scheme) p.scheme = *it->second.scheme;
      if (it->second.activation_bits) p.activation_bits = *it->second.activation_bits;
    }
    return p;
  };

  // Second moment E[y^2] of each layer's real output, propagated He-style: inputs uniform
  // in [0, 1] give 1/3; a conv/fc with Var(w) = 2 gain^2 E[g^2] / fan_in has pre-activation
  // variance 2 gain^2 E[g^2] E[x^2], which ReLU halves. These set the initial activation
  // scales; calibration replaces them with measured ranges.
  std::vector<double> m2(g.layers.size(), 1.0);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    Layer& l = g.layers[i];
    const std::string where = fmt::format("{}, layer {} '{}'", model, i, l.name);
    const Precision p = precision(static_cast<int>(i));
    check_activation_bits(where, p.activation_bits, l.kind == OpKind::Input);
    if (l.kind == OpKind::Input) {
      l.output_q = QuantParams::uniform(p.activation_bits, false,
                                        1.f / static_cast<float>((1 << p.activation_bits) - 1));
      m2[i] = 1.0 / 3.0;
      continue;
    }
    const Layer& src = g.layers[l.inputs[0]];
    const double m2_in = m2[l.inputs[0]];
    if (l.has_weights() && l.fixed_weights) {
      l.output_q = src.output_q;
      m2[i] = m2_in;
      continue;
    }
    if (l.has_weights()) {
      check_weight_bits(where, p.scheme, p.weight_bits);
      const int64_t fan_in = g.weight_count(i) / l.out_channels;
      const double gain = gains.at(i);
      const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in));
      const double pre_var = 2.0 * gain * gain * kMeanGainSq * m2_in;
      l.weight_q = analytic_weight_q(p.scheme, p.weight_bits, std);
      l.bias.clear();
      l.weights = {};
      if (with_weights)
        draw_weights(l, fan_in, std, std::sqrt(pre_var), src.output_q.scale[0], o.seed);
      const double sigma = std::sqrt(pre_var);
      switch (l.activation) {
        case Activation::Relu:
          l.output_q = activation_q(p.activation_bits, false, kClipSigmas * sigma);
          m2[i] = pre_var / 2;
          break;
        case Activation::Relu6:
          l.output_q = activation_q(p.activation_bits, false, 6.0);
          m2[i] = std::min(pre_var / 2, 36.0);
          break;
        default:
          l.output_q = activation_q(p.activation_bits, true, kClipSigmas * sigma);
          m2[i] = pre_var;
      }
      continue;
    }
    switch (l.kind) {
      case OpKind::Add: {
        const double var = m2_in + m2[l.inputs[1]];
        const bool relu = l.activation == Activation::Relu || l.activation == Activation::Relu6;
        l.output_q = activation_q(p.activation_bits, !relu, kClipSigmas * std::sqrt(var));
        m2[i] = var;
        break;
      }
      case OpKind::Concat: {  // one scale covering every input's range
        bool is_signed = false;
        double clip = 0, moment = 0;
        for (int s : l.inputs) {
          const QuantParams& q = g.layers[s].output_q;
          is_signed |= q.is_signed;
          clip = std::max(clip, double{q.scale[0]} * (q.qmax() - q.zero_point[0]));
          moment = std::max(moment, m2[s]);
        }
        l.output_q = activation_q(p.activation_bits, is_signed, clip);
        m2[i] = moment;
        break;
      }
      default:  // pools and flatten keep their input's quantization (max pool must) ...
        l.output_q = src.output_q;
        m2[i] = m2_in;
        // ... except that an average of +-1 values is no longer binary: 8 bits hold it.
        if (src.output_q.scheme == Scheme::Binary &&
            (l.kind == OpKind::AvgPool || l.kind == OpKind::GlobalAvgPool))
          l.output_q = activation_q(8, true, src.output_q.scale[0]);
    }
  }
}

}  // namespace qasim::workloads::zoo
