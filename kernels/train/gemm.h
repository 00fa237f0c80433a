// Dense row-major matrix product for float training: C = alpha * op(A) * op(B) + beta * C,
// op(A) [M, K], op(B) [K, N], C [M, N]; lda/ldb/ldc are row strides of the stored matrices.
//
// float goes to oneDNN's sgemm where the build has it: its kernels are JIT-compiled for the
// CPU at run time (AVX-512/AVX2 with FMA), so the product is fast whatever flags the project
// compiles with (kernels/ is built without -march and with -ffp-contract=off for the exact
// integer semantics). Without oneDNN, and for double (the gradient checks), Eigen runs it.
// Both are deterministic for a fixed thread count.
#pragma once

#include <cstdint>

namespace qasim::kernels::train {

template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc);

// Which library runs float products: "onednn" or "eigen".
const char* gemm_backend_name();

}  // namespace qasim::kernels::train
