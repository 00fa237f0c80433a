#include "sim/clock.h"

#include <gtest/gtest.h>

#include "workloads/errors.h"

namespace qasim::sim {
namespace {

TEST(Clock, PeriodAndTime) {
  const ClockDomain core("core", 1000);
  EXPECT_EQ(core.freq_khz(), 1000000u);
  EXPECT_DOUBLE_EQ(core.period_ns(), 1.0);
  EXPECT_DOUBLE_EQ(core.ns(5), 5.0);
  EXPECT_EQ(core.cycles_ceil(10.0), 10u);
  EXPECT_EQ(core.cycles_ceil(10.5), 11u);
  const ClockDomain slow("slow", 700);
  EXPECT_EQ(slow.cycles_ceil(50.0), 35u);  // 50 ns * 0.7 GHz = 35 exactly
  EXPECT_EQ(slow.cycles_ceil(50.1), 36u);
  EXPECT_DOUBLE_EQ(ClockDomain("q", 333.333).freq_mhz(), 333.333);
}

TEST(Clock, ConversionBetweenDomains) {
  const ClockDomain fast("fast", 1000), half("half", 500), odd("odd", 700);
  EXPECT_EQ(fast.to_cycles_ceil(3, half), 2u);  // 3 ns is 1.5 half-speed cycles
  EXPECT_EQ(fast.to_cycles_floor(3, half), 1u);
  EXPECT_EQ(half.to_cycles_ceil(3, fast), 6u);
  EXPECT_EQ(fast.to_cycles_ceil(10, odd), 7u);  // 10 ns * 0.7 = 7
  EXPECT_EQ(fast.to_cycles_ceil(11, odd), 8u);  // 7.7 -> 8
  // Exact for large counts: 10^15 cycles at 1 GHz are 7 * 10^14 cycles at 700 MHz.
  EXPECT_EQ(fast.to_cycles_ceil(1'000'000'000'000'000ull, odd), 700'000'000'000'000ull);
}

TEST(Clock, RejectsBadFrequencies) {
  EXPECT_THROW(ClockDomain("z", 0), workloads::InputError);
  EXPECT_THROW(ClockDomain("n", -5), workloads::InputError);
  EXPECT_THROW(ClockDomain("sub_khz", 333.3333), workloads::InputError);
}

}  // namespace
}  // namespace qasim::sim
