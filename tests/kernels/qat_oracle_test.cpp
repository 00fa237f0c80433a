// The QAT methods with learned parameters or non-trivial gradients (PACT, LSQ, TTQ, DoReFa)
// against PyTorch autograd (tests/kernels/oracles/qat_oracle.py): the forward values, the
// input gradients and the learned-parameter gradients. One Python run serves all cases
// (importing torch costs seconds).
#include <gtest/gtest.h>

#include <sstream>

#include "tests/kernels/oracles/qat_oracle.h"
#include "tests/kernels/qat_test_util.h"

namespace qasim::test {
namespace {

struct Case {
  std::string label;
  std::unique_ptr<FakeQuantizer> q;
  int64_t channels = 1;
  std::vector<float> x, dy;
  size_t results = 0;       // oracle lines: y, dx and, with learned params, their grads
  float y_tolerance = 0.f;  // forward: the oracle's float order may differ by an ulp
  // Relative. Autograd multiplies dy by 1/s and then s (LSQ, DoReFa activations), or goes
  // through tanh: an ulp or so apart from the direct formula.
  float dx_tolerance = 0.f;
};

TEST(QatOracle, LearnedAndNonTrivialGradientsAgreeWithPyTorchAutograd) {
  if (!python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 has no torch: oracle skipped";
  std::vector<Case> cases;
  std::ostringstream input;
  uint32_t seed = 100;
  auto add = [&](Case c, const std::string& head) {
    input << head << " | " << hex_floats(c.x) << " | " << hex_floats(c.dy) << "\n";
    cases.push_back(std::move(c));
  };
  for (auto [bits, alpha] :
       std::vector<std::pair<int, float>>{{1, 2.f}, {2, 4.5f}, {4, 3.25f}, {8, 6.f}}) {
    QuantizerSpec spec;
    spec.alpha_init = alpha;
    Case c{"pact " + std::to_string(bits),
           make_q("pact", Role::Activation, bits, spec),
           1,
           random_floats(257, -2.f, 9.f, ++seed),
           random_floats(257, -1.f, 1.f, ++seed),
           3,
           1e-6f * alpha,
           0.f};
    add(std::move(c), "pact " + std::to_string(bits) + " " + hex_float(alpha));
  }
  for (auto [role, bits, step] :
       std::vector<std::tuple<Role, int, float>>{{Role::Weight, 2, 0.3f},
                                                 {Role::Weight, 4, 0.07f},
                                                 {Role::Weight, 8, 0.01f},
                                                 {Role::Activation, 1, 1.1f},
                                                 {Role::Activation, 3, 0.4f},
                                                 {Role::Activation, 8, 0.03f}}) {
    const bool weights = role == Role::Weight;
    auto q = make_q("lsq", role, bits);
    q->load_state({step});
    const int64_t rows = weights ? 1 : 4;  // activations: 4 samples of 64 features
    Case c{"lsq " + to_string(role) + " " + std::to_string(bits),
           std::move(q),
           rows,
           random_floats(256, weights ? -1.f : -0.5f, weights ? 1.f : 6.f, ++seed),
           random_floats(256, -1.f, 1.f, ++seed),
           3,
           1e-6f,
           1e-6f};
    add(std::move(c), "lsq " + std::to_string(bits) + " " + (weights ? "1 " : "0 ") +
                          hex_float(step) + " " + std::to_string(rows));
  }
  {
    auto q = make_q("ttq", Role::Weight, 2);
    q->load_state({0.75f, 1.25f});  // exact on the 8-bit codebook grid
    Case c{"ttq",
           std::move(q),
           1,
           random_floats(300, -1.f, 1.f, ++seed),
           random_floats(300, -1.f, 1.f, ++seed),
           3,
           0.f,
           0.f};
    add(std::move(c), "ttq " + hex_float(0.75f) + " " + hex_float(1.25f));
  }
  for (int bits : {2, 3, 8}) {
    Case c{"dorefa weight " + std::to_string(bits),
           make_q("dorefa", Role::Weight, bits),
           1,
           random_floats(200, -2.f, 2.f, ++seed),
           random_floats(200, -1.f, 1.f, ++seed),
           2,
           1e-6f,
           1e-5f};
    add(std::move(c), "dorefa_w " + std::to_string(bits));
    Case a{"dorefa activation " + std::to_string(bits),
           make_q("dorefa", Role::Activation, bits),
           1,
           random_floats(200, -0.5f, 1.5f, ++seed),
           random_floats(200, -1.f, 1.f, ++seed),
           2,
           1e-6f,
           1e-6f};
    add(std::move(a), "dorefa_a " + std::to_string(bits));
  }

  const auto expected = run_qat_oracle(input.str());
  size_t line = 0;
  for (Case& c : cases) {
    SCOPED_TRACE(c.label);
    ASSERT_LE(line + c.results, expected.size());
    const auto y = fwd(*c.q, c.x, c.channels);
    const auto dx = bwd(*c.q, c.x, c.dy, c.channels);
    const auto& ey = expected[line];
    const auto& edx = expected[line + 1];
    ASSERT_EQ(ey.size(), y.size());
    ASSERT_EQ(edx.size(), dx.size());
    for (size_t i = 0; i < y.size(); ++i) {
      EXPECT_NEAR(y[i], ey[i], c.y_tolerance) << "y " << i;
      EXPECT_NEAR(dx[i], edx[i], c.dx_tolerance * std::max(1.f, std::fabs(edx[i]))) << "dx " << i;
    }
    if (c.results == 3) {
      const auto params = c.q->learned_params();
      const auto& eg = expected[line + 2];
      ASSERT_EQ(eg.size(), params.size());
      for (size_t p = 0; p < params.size(); ++p)
        EXPECT_NEAR((*params[p].grad)[0], eg[p], 1e-4 * std::max(1.f, std::fabs(eg[p])))
            << params[p].name;
    }
    line += c.results;
  }
  EXPECT_EQ(line, expected.size());
}

}  // namespace
}  // namespace qasim::test
