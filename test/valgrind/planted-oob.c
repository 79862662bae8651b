/* The valgrind suite's self-test: preloaded into node (LD_PRELOAD), this writes one byte past a 32-byte heap
 * block at start-up when WS_VALGRIND_PLANT=1. valgrind must report it: proof that the flags and the
 * suppression file used for the addon's runs still let a real out-of-bounds write through. */
#include <stdlib.h>

__attribute__((constructor)) static void planted_out_of_bounds_write(void) {
  if (!getenv("WS_VALGRIND_PLANT")) return;
  volatile char *p = malloc(32);
  p[40] = 1;
  free((void *)p);
}
