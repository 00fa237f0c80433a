// QASIM_HD marks a function that runs on both sides: compiled by nvcc it is
// __host__ __device__, so the CUDA kernels call it per element; compiled by the host compiler
// (every build, CUDA or not) it is a plain inline function that the host tests call and
// compare, bit for bit, with the CPU quantizers and the golden integer reference. Keeping the
// per-element arithmetic in one function is what lets a machine without a GPU test the
// arithmetic the GPU runs; only the instruction a function picks under __CUDA_ARCH__ (dp4a,
// popc) is then left to the GPU tests.
#pragma once

#if defined(__CUDACC__)
#define QASIM_HD __host__ __device__
#else
#define QASIM_HD
#endif
