// A Job is the "baton" of one native call: arguments are read and copied on the main thread,
// execute() runs the numeric core with no JavaScript value in sight, result() builds the return
// value on the main thread. run_job() runs it synchronously or as a Promise on the libuv pool.
#pragma once
#include <napi.h>
#include <atomic>
#include <memory>

#include "../core/blas_scheduler.h"

namespace ws::binding {

class Job {
 public:
  virtual ~Job() = default;
  virtual void execute() = 0;
  virtual Napi::Value result(Napi::Env env) = 0;
  // How this job shares OpenBLAS with others (see blas_scheduler.h).
  BlasScheduler::Mode mode = BlasScheduler::Mode::Shared;
};

// async = false: runs now and returns the result (or throws). async = true: returns a Promise.
Napi::Value run_job(Napi::Env env, std::unique_ptr<Job> job, bool async);

std::atomic<int>& jobs_in_flight();

}  // namespace ws::binding
