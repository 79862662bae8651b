// A Job is the "baton" of one native call, and the one way an op is written: arguments are read (and
// copied when needed) on the JavaScript thread, execute() runs the numeric core with no JavaScript value
// in sight, result() builds the return value on the JavaScript thread. `kind` is its resource class (see
// core/scheduler.h). run_job() runs it at once on the caller's thread (sync) or queues it on the native
// scheduler and returns a Promise settled on the JavaScript thread (async).
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "../core/core_error.h"
#include "../core/scheduler.h"
#include "call_options.h"

namespace ws::binding {

class Job {
 public:
  virtual ~Job() = default;
  virtual void execute() = 0;
  virtual Napi::Value result(Napi::Env env) = 0;

  JobKind kind = JobKind::Small;

 protected:
  // The running context (BLAS threads, parallel_for helpers), valid inside execute().
  RunContext& context() { return *ctx_; }
  // From inside execute(): stop here and run execute() again as a `k` job (a GPU job falling back to
  // the CPU: queued again on the CPU lane, or rerun at once for a sync call).
  void run_again_as(JobKind k) {
    kind = k;
    again_ = true;
  }

 private:
  friend class JobTask;
  friend Napi::Value run_job(Napi::Env, std::unique_ptr<Job>, const CallOptions&);
  RunContext* ctx_ = nullptr;
  bool again_ = false;
};

Napi::Value run_job(Napi::Env env, std::unique_ptr<Job> job, const CallOptions& opts);

// Jobs alive in this process (queued, running or waiting to be delivered): nativeStats().jobsInFlight.
std::atomic<int>& jobs_in_flight();

// What an exception thrown by a job becomes on the JavaScript side.
struct Failure {
  bool set = false;
  std::string code, message, routine;
  long long info = 0;
};
Failure failure_of(std::exception_ptr e);

#ifdef WEIGHTSCOPE_TEST_HOOKS
void fail_next_results(int n);  // test hook: the next n async results fail while being built
#endif

}  // namespace ws::binding
