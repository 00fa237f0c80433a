#include "kernels/train/gemm.h"

#include <Eigen/Core>
#include <stdexcept>
#include <string>

#if QASIM_HAVE_DNNL
#include <dnnl.h>
#endif

namespace qasim::kernels::train {

namespace {

template <typename T>
void eigen_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  // A stored [M, K] (or [K, M] when transposed), B stored [K, N] (or [N, K]).
  const Eigen::Map<const Mat, 0, Stride> am(a, trans_a ? k : m, trans_a ? m : k, Stride(lda));
  const Eigen::Map<const Mat, 0, Stride> bm(b, trans_b ? n : k, trans_b ? k : n, Stride(ldb));
  Eigen::Map<Mat, 0, Stride> cm(c, m, n, Stride(ldc));
  if (beta == T(0))
    cm.setZero();
  else if (beta != T(1))
    cm *= beta;
  if (trans_a && trans_b)
    cm.noalias() += alpha * am.transpose() * bm.transpose();
  else if (trans_a)
    cm.noalias() += alpha * am.transpose() * bm;
  else if (trans_b)
    cm.noalias() += alpha * am * bm.transpose();
  else
    cm.noalias() += alpha * am * bm;
}

}  // namespace

template <>
void gemm<double>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                  const double* a, int64_t lda, const double* b, int64_t ldb, double beta,
                  double* c, int64_t ldc) {
  eigen_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <>
void gemm<float>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                 const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                 int64_t ldc) {
  if (m == 0 || n == 0) return;
#if QASIM_HAVE_DNNL
  const dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha,
                                          a, lda, b, ldb, beta, c, ldc);
  if (status != dnnl_success)
    throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(status));
#else
  eigen_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

const char* gemm_backend_name() {
#if QASIM_HAVE_DNNL
  return "onednn";
#else
  return "eigen";
#endif
}

}  // namespace qasim::kernels::train
