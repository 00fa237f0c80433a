// make_quantizer and the table of methods, plus "fp" (full precision), the identity that
// lets every layer be described by a spec.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/qat/common.h"
#include "kernels/qat/methods.h"

namespace qasim::kernels::qat {

namespace {

using Factory = std::unique_ptr<FakeQuantizer> (*)(const QuantizerSpec&);

struct Entry {
  MethodInfo info;
  Factory make;
  bool stochastic_ok = false;   // spec.stochastic means something for this method
  bool per_channel_ok = false;  // spec.per_channel means something (weights)
};

const std::vector<Entry>& table() {
  using R = Role;
  static const std::vector<Entry> entries = {
      {{"fp", {R::Weight, R::Activation, R::Gradient}, 32, 32, "identity (full precision)"},
       detail::make_fp},
      {{"binaryconnect",
        {R::Weight},
        1,
        1,
        "sign(w), or +1 with probability clip((w+1)/2,0,1); STE (Courbariaux et al. 2015)"},
       detail::make_binaryconnect,
       true},
      {{"bnn",
        {R::Weight, R::Activation},
        1,
        1,
        "sign(x), STE g*1{|x|<=1} (Hubara/Courbariaux et al. 2016)"},
       detail::make_bnn},
      {{"xnor",
        {R::Weight, R::Activation},
        1,
        1,
        "weights alpha*sign(w), alpha = mean|w| per filter; activations sign(x), no K "
        "(Rastegari et al. 2016)"},
       detail::make_xnor,
       false,
       true},
      {{"twn",
        {R::Weight},
        2,
        2,
        "ternary, delta = 0.7 E|w|, alpha = mean |w| above delta (Li et al. 2016)"},
       detail::make_twn,
       false,
       true},
      {{"ttq",
        {R::Weight},
        2,
        2,
        "ternary +Wp/0/-Wn, delta = 0.05 max|w|, learned Wp, Wn (Zhu et al. 2017)"},
       detail::make_ttq},
      {{"dorefa",
        {R::Weight, R::Activation, R::Gradient},
        1,
        16,
        "tanh-normalised weights (k <= 15), clip(x,0,1) activations, noisy gradients "
        "(Zhou et al. 2016)"},
       detail::make_dorefa},
      {{"hwgq",
        {R::Activation},
        1,
        4,
        "half-wave Gaussian quantizer, steps 0.799/0.538/0.3217/0.185 (Cai et al. 2017)"},
       detail::make_hwgq},
      {{"pact",
        {R::Activation},
        1,
        16,
        "clip(x,0,alpha) on 2^k-1 steps, learned alpha with L2 (Choi et al. 2018)"},
       detail::make_pact},
      {{"lsq",
        {R::Weight, R::Activation},
        1,
        16,
        "learned step size, gradient scale 1/sqrt(N Q_P); weights k >= 2 (Esser et al. 2020)"},
       detail::make_lsq},
      {{"int",
        {R::Weight, R::Activation},
        2,
        16,
        "integer-only affine: symmetric weights, EMA-ranged asymmetric activations "
        "(Jacob et al. 2018)"},
       detail::make_int,
       false,
       true},
      {{"fixed",
        {R::Weight, R::Activation, R::Gradient},
        2,
        16,
        "fixed point Qm.n, optional stochastic rounding (Gupta et al. 2015)"},
       detail::make_fixed,
       true},
  };
  return entries;
}

bool contains(const std::vector<Role>& roles, Role r) {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

std::string roles_text(const std::vector<Role>& roles) {
  std::string text;
  for (Role r : roles) text += (text.empty() ? "" : ", ") + to_string(r);
  return text;
}

}  // namespace

std::string to_string(Role role) {
  switch (role) {
    case Role::Weight:
      return "weight";
    case Role::Activation:
      return "activation";
    case Role::Gradient:
      return "gradient";
  }
  return "?";
}

Role role_from_string(const std::string& name) {
  for (Role r : {Role::Weight, Role::Activation, Role::Gradient})
    if (to_string(r) == name) return r;
  throw std::invalid_argument("unknown quantizer role '" + name +
                              "' (expected weight, activation or gradient)");
}

std::vector<MethodInfo> methods() {
  std::vector<MethodInfo> infos;
  for (const Entry& e : table()) infos.push_back(e.info);
  return infos;
}

std::vector<std::string> method_names() {
  std::vector<std::string> names;
  for (const Entry& e : table()) names.push_back(e.info.name);
  return names;
}

std::unique_ptr<FakeQuantizer> make_quantizer(const QuantizerSpec& spec) {
  const auto& entries = table();
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const Entry& e) { return e.info.name == spec.method; });
  if (it == entries.end())
    throw std::invalid_argument(fmt::format("unknown quantization method '{}' (known: {})",
                                            spec.method, fmt::join(method_names(), ", ")));
  const MethodInfo& info = it->info;
  if (!contains(info.roles, spec.role))
    throw std::invalid_argument(fmt::format("{}: no {} quantizer (it quantizes: {})", info.name,
                                            to_string(spec.role), roles_text(info.roles)));
  if (spec.bits < info.min_bits || spec.bits > info.max_bits)
    throw std::invalid_argument(
        info.min_bits == info.max_bits
            ? fmt::format("{} {}: {} bits, but the method has exactly {}", info.name,
                          to_string(spec.role), spec.bits, info.min_bits)
            : fmt::format("{} {}: {} bits outside [{}, {}]", info.name, to_string(spec.role),
                          spec.bits, info.min_bits, info.max_bits));
  if (spec.stochastic && !it->stochastic_ok)
    throw std::invalid_argument(
        fmt::format("{}: no stochastic mode (binaryconnect and fixed have one)", info.name));
  if (spec.per_channel && !(it->per_channel_ok && spec.role == Role::Weight))
    throw std::invalid_argument(
        fmt::format("{} {}: no per-channel option (int, twn and xnor weights have one)", info.name,
                    to_string(spec.role)));
  return it->make(spec);
}

namespace detail {

namespace {

// Full precision: y = x, dx = dy. It has no integer form: an fp layer runs outside the
// integer golden reference (or the user picks an integer method for it).
class FullPrecision final : public FakeQuantizer {
 public:
  std::string name() const override { return "fp"; }
  int bits() const override { return 32; }
  void forward(std::span<const float> x, std::span<float> y, int64_t channels, bool,
               std::mt19937&) override {
    row_length("fp", x, y.size(), channels);
    std::copy(x.begin(), x.end(), y.begin());
  }
  void backward(std::span<const float> x, std::span<const float> dy, std::span<float> dx,
                int64_t channels) override {
    row_length("fp", x, dy.size(), channels);
    pass_through(dy, dx);
  }
  Quantized to_integer(std::span<const float>, int64_t) const override {
    throw std::logic_error("fp: full precision has no integer form; pick an integer method");
  }
};

}  // namespace

std::unique_ptr<FakeQuantizer> make_fp(const QuantizerSpec&) {
  return std::make_unique<FullPrecision>();
}

}  // namespace detail

}  // namespace qasim::kernels::qat
