// The registry lists the accelerators this build contains, each with its params.
#include "arch/registry.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "workloads/errors.h"

namespace qasim::arch {
namespace {

TEST(Registry, ListsBothNvdlaPresetsWithTheirParams) {
  Registry r;
  register_all(r);
  for (const char* name : {"nvdla_small", "nvdla_large"}) {
    const ArchInfo* info = r.find(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_FALSE(info->description.empty());
    ASSERT_TRUE(info->print_params);
    std::ostringstream out;
    info->print_params(out);
    EXPECT_NE(out.str().find("atomic_c"), std::string::npos);
    EXPECT_NE(out.str().find(name), std::string::npos);  // listed among the presets
  }
  ArchInfo again;
  again.name = "nvdla_small";
  EXPECT_THROW(r.add(again), std::logic_error);
}

TEST(Registry, MakesAcceleratorsByNameAndFromParamFiles) {
  const std::unique_ptr<Accelerator> large = make_accelerator("nvdla_large");
  EXPECT_EQ(large->name(), "nvdla_large");
  EXPECT_EQ(large->peak_macs_per_cycle(), 64 * 32);  // REFERENCES.md: nv_large
  EXPECT_THROW(make_accelerator("nvdla_huge"), std::invalid_argument);

  // The report's params text reads back to the same accelerator.
  const std::string path = ::testing::TempDir() + "registry_test_large.yaml";
  {
    std::ofstream out(path);
    out << "preset: nvdla_large\n" << large->params_yaml();
  }
  const std::unique_ptr<Accelerator> again = make_accelerator(path);
  EXPECT_EQ(again->params_yaml(), large->params_yaml());
  EXPECT_EQ(again->peak_macs_per_cycle(), 2048);
  {
    std::ofstream out(path);
    out << "atomic_c: 16\n";  // no preset: which accelerator is it?
  }
  EXPECT_THROW(make_accelerator(path), workloads::InputError);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace qasim::arch
