/* The two libgfortran symbols that Debian's static libopenblas.a needs.
 * Debian's libgfortran.a is not position-independent, so it cannot be linked into a shared
 * object (the .node); defining these two here lets the addon link OpenBLAS statically with
 * -Wl,--no-undefined and carry no runtime dependency on libgfortran. Both follow the gfortran
 * runtime's documented semantics. They are built only for the static-OpenBLAS configuration. */
#include <string.h>
#include <stddef.h>
#include <time.h>

typedef ptrdiff_t gfc_charlen_type; /* size_t-sized since gfortran 8 */

/* dest(1:destlen) = s1 // s2, truncated to destlen and blank-padded (Fortran string concatenation). */
void _gfortran_concat_string(gfc_charlen_type destlen, char* dest, gfc_charlen_type len1, const char* s1,
                             gfc_charlen_type len2, const char* s2) {
  if (len1 >= destlen) {
    memcpy(dest, s1, (size_t)destlen);
    return;
  }
  memcpy(dest, s1, (size_t)len1);
  dest += len1;
  destlen -= len1;
  if (len2 >= destlen) {
    memcpy(dest, s2, (size_t)destlen);
    return;
  }
  memcpy(dest, s2, (size_t)len2);
  memset(dest + len2, ' ', (size_t)(destlen - len2));
}

/* ETIME(tarray): user and system CPU seconds; returns their sum. LAPACK's SECOND uses it. */
float _gfortran_etime(float* tarray) {
  struct timespec ts;
  float user = 0.0f;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0) user = (float)ts.tv_sec + (float)ts.tv_nsec * 1e-9f;
  tarray[0] = user;
  tarray[1] = 0.0f;
  return user;
}
