// The process-wide scheduler, over OpenBLAS's global thread count.
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

Scheduler& Scheduler::instance() {
  // Never destroyed: its threads may still be running jobs while the process exits.
  static Scheduler* s = new Scheduler(openblas_control(), available_cores());
  return *s;
}

}  // namespace ws
