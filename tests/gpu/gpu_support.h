// Shared by the GPU tests: they skip (GTEST_SKIP) when this build or machine has no CUDA
// device, so the `gpu` label passes cleanly everywhere and checks something only where a GPU
// is present.
#pragma once

#include <gtest/gtest.h>

#include "kernels/cuda/runtime.h"

#define QASIM_REQUIRE_GPU()                                     \
  do {                                                          \
    if (::qasim::kernels::cuda::device_count() == 0)            \
      GTEST_SKIP() << ::qasim::kernels::cuda::device_summary(); \
  } while (0)
