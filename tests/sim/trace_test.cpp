#include "sim/trace.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sc_child.h"
#include "sim/channel.h"
#include "sim/clock.h"
#include "sim/mem_module.h"
#include "sim/sram.h"
#include "workloads/errors.h"

namespace qasim::sim {
namespace {

TEST(Trace, OffByDefault) {
  Tracer off;
  EXPECT_FALSE(off.enabled());
  Tracer empty("");
  EXPECT_FALSE(empty.enabled());
  int x = 0;
  off.add(x, "x");  // does nothing, needs no simulation context
}

TEST(Trace, BadPathIsAnInputError) {
  EXPECT_THROW(Tracer("/nonexistent/dir/out.vcd"), workloads::InputError);
}

TEST(Trace, WritesAVcdOfSignalsChannelsAndModules) {
  const auto dir = std::filesystem::temp_directory_path() / "qasim_trace_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.vcd").string();

  const std::vector<uint64_t> got = testing::run_in_child([&] {
    const ClockDomain domain("core", 1000);
    sc_core::sc_clock clk("clk", domain.period());
    Sram core("sram", SramParams{});
    MemoryModule mem("mem", core, 1);
    mem.clk(clk);
    {
      Tracer tracer(path);
      tracer.add(clk, "clk");
      tracer.add_component(mem);
      sc_core::sc_start(10, sc_core::SC_NS);
    }  // closing the tracer completes the file
    return std::vector<uint64_t>{domain.period() == sc_core::sc_time(1, sc_core::SC_NS)};
  });
  EXPECT_EQ(got, std::vector<uint64_t>{1});

  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string vcd = text.str();
  EXPECT_NE(vcd.find("$var"), std::string::npos);
  EXPECT_NE(vcd.find(" clk "), std::string::npos) << vcd.substr(0, 2000);
  // Dotted names become nested scopes: mem.cycle, mem.req0.occupancy.
  EXPECT_NE(vcd.find("$scope module mem $end"), std::string::npos) << vcd.substr(0, 2000);
  EXPECT_NE(vcd.find(" cycle [63:0]"), std::string::npos) << vcd.substr(0, 2000);
  EXPECT_NE(vcd.find("$scope module req0 $end"), std::string::npos) << vcd.substr(0, 2000);
  EXPECT_NE(vcd.find(" occupancy [63:0]"), std::string::npos) << vcd.substr(0, 2000);
  EXPECT_NE(vcd.find("#9000"), std::string::npos);  // 9 ns in 1 ps units
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qasim::sim
