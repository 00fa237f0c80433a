// Properties every QAT method must have: its integer form dequantizes to exactly what
// forward(training = false) returns, for every role and bit width it supports; the integers
// lie in the declared range; stochastic methods are reproducible from the seed; invalid
// specs are refused with a message naming the method.
#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <set>

#include "kernels/qat/fake_quantizer.h"
#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

using kernels::qat::methods;

std::vector<int> widths_to_test(int min_bits, int max_bits) {
  std::vector<int> widths;
  for (int b : {1, 2, 3, 4, 5, 6, 7, 8, 16})
    if (b >= min_bits && b <= max_bits) widths.push_back(b);
  return widths;
}

// Weights around N(0, 0.5), activations in [-2, 12] (PACT alpha starts at 10): both straddle 0 and
// every method's range.
std::vector<float> sample(Role role, size_t n, uint32_t seed) {
  if (role == Role::Weight) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.f, 0.5f);
    std::vector<float> v(n);
    for (auto& e : v) e = dist(rng);
    return v;
  }
  return random_floats(n, -2.f, 12.f, seed);
}

TEST(QatRegistry, IntegerFormDequantizesToTheEvaluationForward) {
  int checked = 0, with_output_params = 0;
  for (const auto& info : methods()) {
    if (info.name == "fp") continue;
    for (Role role : info.roles) {
      if (role == Role::Gradient) continue;
      for (int bits : widths_to_test(info.min_bits, info.max_bits)) {
        if (info.name == "dorefa" && role == Role::Weight && bits > 15) continue;
        if (info.name == "lsq" && role == Role::Weight && bits < 2) continue;
        for (bool per_channel : {false, true}) {
          if (per_channel && !(role == Role::Weight &&
                               (info.name == "int" || info.name == "twn" || info.name == "xnor")))
            continue;
          SCOPED_TRACE(info.name + " " + to_string(role) + " " + std::to_string(bits) +
                       (per_channel ? " per channel" : ""));
          QuantizerSpec spec;
          spec.per_channel = per_channel;
          auto q = make_q(info.name, role, bits, spec);
          const int64_t channels = 4;
          // A training step first, so that stateful methods (LSQ init, int EMA) have state.
          fwd(*q, sample(role, 64, 1), channels, /*training=*/true);
          fwd(*q, sample(role, 64, 2), channels, /*training=*/true);
          const auto x = sample(role, 64, 3);
          const auto y = fwd(*q, x, channels);
          const kernels::Quantized z = q->to_integer(x, channels);
          ASSERT_NO_THROW(z.params.validate("round trip"));
          if (const auto fixed = q->output_params()) {
            EXPECT_EQ(*fixed, z.params) << "output_params() must be to_integer()'s params";
            ++with_output_params;
          }
          for (int32_t v : z.values.values()) {
            ASSERT_GE(v, z.params.qmin());
            ASSERT_LE(v, z.params.qmax());
          }
          const auto back = kernels::dequantize(z.values, z.params).values();
          ASSERT_EQ(back.size(), y.size());
          for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(back[i], y[i]) << "element " << i;
          // The integer form uses only as many bits as the method needs.
          if (z.params.scheme == kernels::Scheme::Uniform) {
            EXPECT_LE(z.params.bits, bits + (info.name == "dorefa" && role == Role::Weight));
          }
          std::set<float> distinct(y.begin(), y.end());
          EXPECT_GE(distinct.size(), 2u) << "the sample should use more than one level";
          ++checked;
        }
      }
    }
  }
  EXPECT_GE(checked, 60);
  EXPECT_GE(with_output_params, 40);
}

TEST(QatRegistry, OutputParamsOnlyWhereTheGridIsFixed) {
  EXPECT_FALSE(make_q("xnor", Role::Weight, 1)->output_params());
  EXPECT_FALSE(make_q("twn", Role::Weight, 2)->output_params());
  EXPECT_FALSE(make_q("fixed", Role::Activation, 8)->output_params()) << "frac_bits -1";
  EXPECT_FALSE(make_q("dorefa", Role::Gradient, 8)->output_params());
  auto lsq = make_q("lsq", Role::Activation, 4);
  EXPECT_FALSE(lsq->output_params()) << "step not initialised";
  fwd(*lsq, {1.f, 2.f});
  EXPECT_TRUE(lsq->output_params());
  auto ema = make_q("int", Role::Activation, 8);
  EXPECT_FALSE(ema->output_params());
  fwd(*ema, {-1.f, 3.f}, 1, /*training=*/true);
  ASSERT_TRUE(ema->output_params());
  EXPECT_FLOAT_EQ(ema->output_params()->scale[0], 4.f / 255);
  EXPECT_EQ(make_q("hwgq", Role::Activation, 2)->output_params()->scale[0], 0.538f);
}

TEST(QatRegistry, EveryMethodIsListedWithASummary) {
  std::set<std::string> names;
  for (const auto& info : methods()) {
    EXPECT_FALSE(info.summary.empty()) << info.name;
    names.insert(info.name);
  }
  for (const char* expected : {"fp", "binaryconnect", "bnn", "xnor", "twn", "ttq", "dorefa", "hwgq",
                               "pact", "lsq", "int", "fixed"})
    EXPECT_TRUE(names.count(expected)) << expected;
  EXPECT_EQ(kernels::qat::method_names().size(), names.size());
}

TEST(QatRegistry, FullPrecisionIsIdentityWithoutIntegerForm) {
  auto q = make_q("fp", Role::Activation, 32);
  const std::vector<float> x = {-1.25f, 0.3f, 7.f};
  EXPECT_EQ(fwd(*q, x), x);
  EXPECT_EQ(bwd(*q, x, {1, 2, 3}), (std::vector<float>{1, 2, 3}));
  EXPECT_THROW(q->to_integer(x, 1), std::logic_error);
}

void expect_invalid(const std::string& method, Role role, int bits, QuantizerSpec spec,
                    const std::string& words) {
  try {
    make_q(method, role, bits, spec);
    ADD_FAILURE() << method << ": no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(method), std::string::npos) << what;
    EXPECT_NE(what.find(words), std::string::npos) << what;
  }
}

TEST(QatRegistry, InvalidSpecsAreRefusedWithTheReason) {
  expect_invalid("dorefaa", Role::Weight, 4, {}, "unknown");
  expect_invalid("pact", Role::Weight, 4, {}, "no weight quantizer");
  expect_invalid("hwgq", Role::Activation, 5, {}, "outside [1, 4]");
  expect_invalid("twn", Role::Weight, 3, {}, "exactly 2");
  expect_invalid("fp", Role::Weight, 8, {}, "exactly 32");
  expect_invalid("int", Role::Activation, 1, {}, "outside [2, 16]");
  expect_invalid("dorefa", Role::Weight, 16, {}, "at most 15");
  expect_invalid("lsq", Role::Weight, 1, {}, "at least 2");
  QuantizerSpec stochastic;
  stochastic.stochastic = true;
  expect_invalid("pact", Role::Activation, 4, stochastic, "no stochastic mode");
  QuantizerSpec per_channel;
  per_channel.per_channel = true;
  expect_invalid("lsq", Role::Weight, 4, per_channel, "no per-channel option");
  expect_invalid("int", Role::Activation, 8, per_channel, "no per-channel option");
  QuantizerSpec frac;
  frac.frac_bits = 31;
  expect_invalid("fixed", Role::Weight, 8, frac, "frac_bits 31");
  QuantizerSpec value_bits;
  value_bits.value_bits = 1;
  expect_invalid("ttq", Role::Weight, 2, value_bits, "value_bits 1");
  QuantizerSpec decay;
  decay.ema_decay = 1.f;
  expect_invalid("int", Role::Activation, 8, decay, "ema_decay");
  QuantizerSpec alpha;
  alpha.alpha_init = 0.f;
  expect_invalid("pact", Role::Activation, 4, alpha, "alpha_init");
  EXPECT_THROW(kernels::qat::role_from_string("bias"), std::invalid_argument);
  EXPECT_EQ(kernels::qat::role_from_string("gradient"), Role::Gradient);
}

TEST(QatRegistry, StochasticMethodsAreReproducibleFromTheSeed) {
  QuantizerSpec stochastic;
  stochastic.stochastic = true;
  stochastic.frac_bits = 4;
  const std::vector<std::pair<std::string, Role>> cases = {
      {"binaryconnect", Role::Weight}, {"fixed", Role::Activation}, {"dorefa", Role::Gradient}};
  for (const auto& [method, role] : cases) {
    SCOPED_TRACE(method);
    QuantizerSpec spec = method == "dorefa" ? QuantizerSpec{} : stochastic;
    auto a = make_q(method, role, method == "binaryconnect" ? 1 : 4, spec);
    auto b = make_q(method, role, method == "binaryconnect" ? 1 : 4, spec);
    const auto x = random_floats(1000, -1.f, 1.f, 9);
    EXPECT_EQ(fwd(*a, x, 10, true, 42), fwd(*b, x, 10, true, 42));
    EXPECT_NE(fwd(*a, x, 10, true, 42), fwd(*a, x, 10, true, 43));
    EXPECT_EQ(fwd(*a, x, 10, false, 42), fwd(*b, x, 10, false, 43))
        << "evaluation is deterministic";
  }
}

TEST(QatRegistry, LargeTensorsGiveTheSameResultAsSmallOnes) {
  // Above the OpenMP threshold the loops run in parallel; each element must not change.
  auto q = make_q("lsq", Role::Activation, 4);
  const auto x = random_floats(100000, -1.f, 4.f, 3);
  const auto dy = random_floats(x.size(), -1.f, 1.f, 4);
  const auto y = fwd(*q, x, 100);
  const auto dx = bwd(*q, x, dy, 100);
  const float grad = (*q->learned_params()[0].grad)[0];
  for (size_t begin : {size_t{0}, size_t{51234}}) {
    const std::vector<float> part(x.begin() + begin, x.begin() + begin + 1000);
    const std::vector<float> part_y = fwd(*q, part, 1);
    for (size_t i = 0; i < part.size(); ++i) ASSERT_EQ(part_y[i], y[begin + i]);
  }
  // The same gradients with another number of threads (fixed-chunk reductions).
  const int threads = omp_get_max_threads();
  for (int t : {1, 3}) {
    omp_set_num_threads(t);
    (*q->learned_params()[0].grad)[0] = 0.f;
    EXPECT_EQ(bwd(*q, x, dy, 100), dx) << t << " threads";
    EXPECT_EQ((*q->learned_params()[0].grad)[0], grad) << t << " threads";
    EXPECT_EQ(fwd(*q, x, 100), y) << t << " threads";
  }
  omp_set_num_threads(threads);
}

}  // namespace
}  // namespace qasim::test
