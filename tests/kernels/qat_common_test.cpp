// The vectorizable rounding of kernels/qat/common.h against std::nearbyint (round half to
// even in the default mode) on halves, near-halves and random values in its domain.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/qat/common.h"

namespace qasim::test {
namespace {

TEST(QatCommon, RoundHalfEvenMatchesNearbyint) {
  std::vector<float> values;
  for (int i = -70000; i <= 70000; ++i) {
    const float half = static_cast<float>(i) + 0.5f;
    values.insert(values.end(), {half, std::nextafter(half, 0.f), std::nextafter(half, 1e9f),
                                 static_cast<float>(i)});
  }
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> dist(-4194304.f, 4194304.f);  // +-2^22
  for (int i = 0; i < 100000; ++i) values.push_back(dist(rng));
  for (float v : values)
    ASSERT_EQ(kernels::qat::detail::round_half_even(v), std::nearbyint(v) + 0.f) << v;
}

}  // namespace
}  // namespace qasim::test
