// float/double overloads over the Fortran routines, so the algorithms are written once as templates.
#pragma once
#include "lapack_api.h"

namespace ws::lapack {

inline void gesdd(char jobz, lapack_int m, lapack_int n, float* a, lapack_int lda, float* s, float* u, lapack_int ldu,
                  float* vt, lapack_int ldvt, float* work, lapack_int lwork, lapack_int* iwork, lapack_int* info) {
  sgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);
}
inline void gesdd(char jobz, lapack_int m, lapack_int n, double* a, lapack_int lda, double* s, double* u,
                  lapack_int ldu, double* vt, lapack_int ldvt, double* work, lapack_int lwork, lapack_int* iwork,
                  lapack_int* info) {
  dgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);
}
inline void gesvd(char jobu, char jobvt, lapack_int m, lapack_int n, float* a, lapack_int lda, float* s, float* u,
                  lapack_int ldu, float* vt, lapack_int ldvt, float* work, lapack_int lwork, lapack_int* info) {
  sgesvd_(&jobu, &jobvt, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, info, 1, 1);
}
inline void gesvd(char jobu, char jobvt, lapack_int m, lapack_int n, double* a, lapack_int lda, double* s, double* u,
                  lapack_int ldu, double* vt, lapack_int ldvt, double* work, lapack_int lwork, lapack_int* info) {
  dgesvd_(&jobu, &jobvt, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, info, 1, 1);
}
inline void syevd(char jobz, char uplo, lapack_int n, float* a, lapack_int lda, float* w, float* work,
                  lapack_int lwork, lapack_int* iwork, lapack_int liwork, lapack_int* info) {
  ssyevd_(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);
}
inline void syevd(char jobz, char uplo, lapack_int n, double* a, lapack_int lda, double* w, double* work,
                  lapack_int lwork, lapack_int* iwork, lapack_int liwork, lapack_int* info) {
  dsyevd_(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);
}
inline void syrk(char uplo, char trans, lapack_int n, lapack_int k, const float* a, lapack_int lda, float* c,
                 lapack_int ldc) {
  const float one = 1, zero = 0;
  ssyrk_(&uplo, &trans, &n, &k, &one, a, &lda, &zero, c, &ldc, 1, 1);
}
inline void syrk(char uplo, char trans, lapack_int n, lapack_int k, const double* a, lapack_int lda, double* c,
                 lapack_int ldc) {
  const double one = 1, zero = 0;
  dsyrk_(&uplo, &trans, &n, &k, &one, a, &lda, &zero, c, &ldc, 1, 1);
}

}  // namespace ws::lapack
