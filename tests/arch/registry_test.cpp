// The registry lists the accelerators this build contains, each with its params.
#include "arch/registry.h"

#include <gtest/gtest.h>

#include <sstream>

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
  EXPECT_THROW(r.add({"nvdla_small", "again", {}}), std::logic_error);
}

}  // namespace
}  // namespace qasim::arch
