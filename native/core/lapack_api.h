// Prototypes of the Fortran LAPACK/BLAS routines and OpenBLAS controls we call.
// Declared here (not via lapacke.h/cblas.h) so the build needs only the library, and so
// the gfortran hidden string-length arguments are passed explicitly (the ABI since gfortran 8).
#pragma once
#include <cstddef>

using lapack_int = int;  // LP64 OpenBLAS: 32-bit integers. Sizes are checked against this in limits.h.
using flen = std::size_t; // hidden CHARACTER length argument

extern "C" {
// ?gesdd: divide-and-conquer SVD
void sgesdd_(const char* jobz, const lapack_int* m, const lapack_int* n, float* a, const lapack_int* lda,
             float* s, float* u, const lapack_int* ldu, float* vt, const lapack_int* ldvt, float* work,
             const lapack_int* lwork, lapack_int* iwork, lapack_int* info, flen);
void dgesdd_(const char* jobz, const lapack_int* m, const lapack_int* n, double* a, const lapack_int* lda,
             double* s, double* u, const lapack_int* ldu, double* vt, const lapack_int* ldvt, double* work,
             const lapack_int* lwork, lapack_int* iwork, lapack_int* info, flen);
// ?gesvd: QR-iteration SVD, the fallback when gesdd does not converge
void sgesvd_(const char* jobu, const char* jobvt, const lapack_int* m, const lapack_int* n, float* a,
             const lapack_int* lda, float* s, float* u, const lapack_int* ldu, float* vt, const lapack_int* ldvt,
             float* work, const lapack_int* lwork, lapack_int* info, flen, flen);
void dgesvd_(const char* jobu, const char* jobvt, const lapack_int* m, const lapack_int* n, double* a,
             const lapack_int* lda, double* s, double* u, const lapack_int* ldu, double* vt, const lapack_int* ldvt,
             double* work, const lapack_int* lwork, lapack_int* info, flen, flen);
// ?syevd: symmetric eigenvalues (divide and conquer)
void ssyevd_(const char* jobz, const char* uplo, const lapack_int* n, float* a, const lapack_int* lda, float* w,
             float* work, const lapack_int* lwork, lapack_int* iwork, const lapack_int* liwork, lapack_int* info,
             flen, flen);
void dsyevd_(const char* jobz, const char* uplo, const lapack_int* n, double* a, const lapack_int* lda, double* w,
             double* work, const lapack_int* lwork, lapack_int* iwork, const lapack_int* liwork, lapack_int* info,
             flen, flen);
// ?syrk: C := alpha*op(A)*op(A)^T + beta*C, one triangle
void ssyrk_(const char* uplo, const char* trans, const lapack_int* n, const lapack_int* k, const float* alpha,
            const float* a, const lapack_int* lda, const float* beta, float* c, const lapack_int* ldc, flen, flen);
void dsyrk_(const char* uplo, const char* trans, const lapack_int* n, const lapack_int* k, const double* alpha,
            const double* a, const lapack_int* lda, const double* beta, double* c, const lapack_int* ldc, flen, flen);

// OpenBLAS controls
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
int openblas_get_parallel(void);
}
