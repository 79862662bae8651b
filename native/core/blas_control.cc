// The process-wide scheduler, over OpenBLAS's global thread count.
#include <stdlib.h>
#include <unistd.h>

#include "lapack_api.h"
#include "scheduler.h"

namespace ws {
namespace {

class OpenBlasControl final : public BlasControl {
 public:
  void set_threads(int n) override { openblas_set_num_threads(n); }
  // OPENBLAS_NUM_THREADS / OMP_NUM_THREADS or the core count, as OpenBLAS starts with.
  int initial_threads() override { return openblas_get_num_threads(); }
};

}  // namespace

BlasControl& openblas_control() {
  static OpenBlasControl* c = new OpenBlasControl();
  return *c;
}

namespace {

Scheduler* g_scheduler = nullptr;

// exit() with a job still inside LAPACK would run OpenBLAS's destructor (gotoblas_quit) under it: it joins
// OpenBLAS's pool threads, one of which may be serving the running call (the process hangs), and frees
// buffers the call is using (it crashes). So when a CPU or GPU job is still running at exit, the process
// ends here, with the status it asked for, skipping the remaining library destructors. With no job running
// nothing changes, and no job can start any more.
void exit_guard(int status, void*) {
  if (g_scheduler && g_scheduler->quiesce_for_exit()) _exit(status);
}

}  // namespace

Scheduler& Scheduler::instance() {
  // Never destroyed: its threads may still be running jobs while the process exits.
  static Scheduler* s = [] {
    auto* p = new Scheduler(openblas_control(), available_cores());
    g_scheduler = p;
#ifdef __GLIBC__
    on_exit(exit_guard, nullptr);
#endif
    return p;
  }();
  return *s;
}

}  // namespace ws
