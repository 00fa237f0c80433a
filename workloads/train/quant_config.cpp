#include "workloads/train/quant_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "workloads/errors.h"
#include "workloads/train/builtin_quantizers.h"

namespace qasim::workloads::train {

namespace qat = kernels::qat;

namespace {

constexpr int kHighBits = 8;  // signed outputs, pools, and every tensor of a float model

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string p; std::getline(in, p, sep);) parts.push_back(p);
  return parts;
}

}  // namespace

std::string QuantConfig::describe() const {
  std::string s = float_model ? "fp"
                              : fmt::format("{}:w{}+{}:a{}", weight.method, weight.bits,
                                            activation.method, activation.bits);
  if (gradient) s += fmt::format("+{}:g{}", gradient->method, gradient->bits);
  s += fmt::format(";first={};last={}", first_bits, last_bits);
  for (const auto& [name, p] : layer_precision)
    s += fmt::format(";{}=w{}a{}", name, p.weight_bits.value_or(0), p.activation_bits.value_or(0));
  return s;
}

QuantConfig parse_quant_spec(const std::string& spec) {
  const std::string where = "--quant";
  QuantConfig c;
  if (spec == "fp" || spec == "float") {
    c.float_model = true;
    c.weight = c.activation = {"minmax", kHighBits};
    return c;
  }
  static const std::regex term(R"(([a-z][a-z0-9_-]*):((w\d+)?(a\d+)?(g\d+)?))");
  for (const std::string& t : split(spec, '+')) {
    std::smatch m;
    if (!std::regex_match(t, m, term) || m[2].length() == 0)
      throw InputError(where, fmt::format("'{}' is not METHOD:wNaM (e.g. dorefa:w2a2, "
                                          "twn:w2+pact:a8, fp)",
                                          t));
    const std::string method = m[1];
    auto set = [&](std::optional<TensorMethod>& slot, const std::ssub_match& part) {
      if (!part.matched) return;
      if (slot) throw InputError(where, fmt::format("'{}' sets a tensor twice", spec));
      slot = TensorMethod{method, std::stoi(part.str().substr(1))};
    };
    std::optional<TensorMethod> w = c.weight.bits ? std::optional(c.weight) : std::nullopt;
    std::optional<TensorMethod> a = c.activation.bits ? std::optional(c.activation) : std::nullopt;
    set(w, m[3]);
    set(a, m[4]);
    set(c.gradient, m[5]);
    if (w) c.weight = *w;
    if (a) c.activation = *a;
  }
  if (!c.weight.bits || !c.activation.bits)
    throw InputError(
        where, fmt::format("'{}' must give both weight and activation bits (wN and aM)", spec));
  for (const TensorMethod* t : {&c.weight, &c.activation})
    if (t->bits < 1 || t->bits > 16)
      throw InputError(where, fmt::format("{} bits must be 1..16", t->bits));
  if (c.gradient && (c.gradient->bits < 2 || c.gradient->bits > 16))
    throw InputError(where, fmt::format("gradient bits {} must be 2..16", c.gradient->bits));
  return c;
}

namespace {

std::unique_ptr<qat::FakeQuantizer> method_quantizer(const TensorMethod& m, qat::Role role,
                                                     int bits, const std::string& where) {
  // The trainer's own uniform quantizers are methods too: symmetric per-channel min/max
  // weights and EMA-range unsigned activations (plain 8-bit QAT is minmax:w8+ema:a8).
  if (m.method == "minmax" && role == qat::Role::Weight && bits >= 2)
    return std::make_unique<MinMaxWeightQuantizer>(bits, false);
  if (m.method == "ema" && role == qat::Role::Activation && bits >= 2)
    return std::make_unique<RangeQuantizer>(bits, false, false);
  qat::QuantizerSpec spec;
  spec.method = m.method;
  spec.role = role;
  spec.bits = bits;
  try {
    return qat::make_quantizer(spec);
  } catch (const std::invalid_argument& e) {
    throw InputError(where, e.what());
  }
}

// Activation methods whose range neither adapts nor is learned.
bool fixed_range(const std::string& method) {
  return method == "dorefa" || method == "hwgq";
}

bool unsigned_activation(const Layer& l) {
  return l.activation == kernels::Activation::Relu || l.activation == kernels::Activation::Relu6 ||
         (l.activation == kernels::Activation::Clip && l.clip_lo >= 0.f);
}

}  // namespace

std::vector<LayerQuantizers> make_quantizers(const Graph& graph, const QuantConfig& c) {
  for (const auto& [name, p] : c.layer_precision) {
    if (graph.find(name) < 0)
      throw InputError("precision config", fmt::format("unknown layer '{}'", name));
    if (p.scheme)
      throw InputError("precision config",
                       fmt::format("layer '{}': the trainer takes bits, not schemes (the "
                                   "method decides the scheme)",
                                   name));
  }
  int first = -1, last = -1;
  for (size_t i = 0; i < graph.layers.size(); ++i)
    if (graph.layers[i].has_weights() && !graph.layers[i].fixed_weights) {
      if (first < 0) first = static_cast<int>(i);
      last = static_cast<int>(i);
    }

  std::vector<LayerQuantizers> out(graph.layers.size());
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& l = graph.layers[i];
    LayerQuantizers& q = out[i];
    const std::string where = fmt::format("layer {} '{}'", i, l.name);
    const auto over = c.layer_precision.find(l.name);
    const LayerPrecision* p = over == c.layer_precision.end() ? nullptr : &over->second;
    if (l.kind == OpKind::Input) {
      q.signed_output = false;
      continue;
    }
    const bool keeps_grid = l.kind == OpKind::MaxPool || l.kind == OpKind::Flatten ||
                            (l.has_weights() && l.fixed_weights);
    if (keeps_grid) {
      q.signed_output = out[l.inputs[0]].signed_output;
      continue;
    }
    if (l.has_weights()) {
      int bits = c.weight.bits;
      if (static_cast<int>(i) == first && c.first_bits) bits = c.first_bits;
      if (static_cast<int>(i) == last && c.last_bits) bits = c.last_bits;
      if (p && p->weight_bits) bits = *p->weight_bits;
      if (c.float_model) {
        q.weight = std::make_unique<MinMaxWeightQuantizer>(bits, true);
      } else if (bits != c.weight.bits) {
        // A layer at other bits (the usual 8-bit first and last layers, or a per-layer
        // override) is plain uniform: per-channel min/max. The low-bit methods' grids do not
        // carry over (DoReFa's weights, for one, always span [-1, 1] whatever the bits).
        q.weight = std::make_unique<MinMaxWeightQuantizer>(bits, false);
      } else {
        q.weight = method_quantizer(c.weight, qat::Role::Weight, bits, where);
      }
      if (c.gradient && !c.float_model)
        q.gradient = method_quantizer(*c.gradient, qat::Role::Gradient, c.gradient->bits, where);
    }
    int abits = c.activation.bits;
    if (p && p->activation_bits) abits = *p->activation_bits;
    const bool pooled = l.kind == OpKind::AvgPool || l.kind == OpKind::GlobalAvgPool;
    if (pooled) {
      q.signed_output = out[l.inputs[0]].signed_output;
      q.activation = std::make_unique<RangeQuantizer>(kHighBits, q.signed_output, c.float_model);
      continue;
    }
    if (l.kind == OpKind::Concat) {
      q.signed_output = std::any_of(l.inputs.begin(), l.inputs.end(),
                                    [&](int s) { return out[s].signed_output; });
      q.activation = std::make_unique<RangeQuantizer>(std::max(abits, kHighBits), q.signed_output,
                                                      c.float_model);
      continue;
    }
    q.signed_output = !unsigned_activation(l);
    if (c.float_model)
      q.activation = std::make_unique<RangeQuantizer>(kHighBits, q.signed_output, true);
    else if (q.signed_output)
      q.activation = std::make_unique<RangeQuantizer>(std::max(abits, kHighBits), true, false);
    else if (l.kind == OpKind::Add && fixed_range(c.activation.method) && abits > 1)
      // The residual stream grows block after block; a method with a fixed range (DoReFa
      // clips to [0, 1]) would saturate it and stop every gradient, so add outputs take an
      // EMA range at the same bits.
      q.activation = std::make_unique<RangeQuantizer>(abits, false, false);
    else
      q.activation = method_quantizer(c.activation, qat::Role::Activation, abits, where);
  }
  return out;
}

}  // namespace qasim::workloads::train
