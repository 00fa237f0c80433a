// Entry point of every GoogleTest binary. SystemC's shared library brings its own main
// (which would call sc_main); this one runs the tests, and SystemC harnesses in the tests
// construct their modules and call sc_start directly.
#include <gtest/gtest.h>

#include <cstdio>

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// libsystemc.so refers to sc_main; it is never called because main above comes first.
extern "C" int sc_main(int, char**) {
  std::fprintf(stderr, "sc_main is not the entry point of the qasim tests\n");
  return 1;
}
