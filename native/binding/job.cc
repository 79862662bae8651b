#include "job.h"

#include <exception>
#include <new>
#include <string>

#include "errors.h"

namespace ws::binding {

std::atomic<int>& jobs_in_flight() {
  static std::atomic<int> n{0};
  return n;
}

namespace {

struct Failure {
  bool set = false;
  std::string code, message, routine;
  long long info = 0;
};

// Runs the job under its BLAS lease; converts every exception into a Failure.
void execute_guarded(Job& job, Failure& f) {
  try {
    BlasScheduler::Lease lease(BlasScheduler::instance(), job.mode);
    job.execute();
  } catch (const CoreError& e) {
    f = {true, code_name(e.code), e.what(), e.routine, e.info};
  } catch (const std::bad_alloc&) {
    f = {true, "E_TOO_LARGE", "out of memory while computing", "", 0};
  } catch (const std::exception& e) {
    f = {true, "E_INTERNAL", e.what(), "", 0};
  }
}

class Worker : public Napi::AsyncWorker {
 public:
  Worker(Napi::Env env, std::unique_ptr<Job> job)
      : Napi::AsyncWorker(env, "weightscope"), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {
    ++jobs_in_flight();
  }
  ~Worker() override { --jobs_in_flight(); }
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override { execute_guarded(*job_, failure_); }

  // Settles the promise. When the environment is shutting down (a worker thread terminated, process
  // exiting) N-API calls fail and node-addon-api throws: nothing can be delivered then, so every
  // exception is swallowed here rather than escaping into std::terminate.
  void OnOK() override {
    try {
      settle();
    } catch (...) {
    }
  }

  void settle() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failure_.set) {
      deferred_.Reject(make_error(env, failure_.code, failure_.message, failure_.routine, failure_.info).Value());
      return;
    }
    Napi::Value value;
    try {
      value = job_->result(env);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
      return;
    } catch (const std::exception& e) {
      deferred_.Reject(make_error(env, "E_INTERNAL", e.what()).Value());
      return;
    }
    deferred_.Resolve(value);
  }

 private:
  std::unique_ptr<Job> job_;
  Napi::Promise::Deferred deferred_;
  Failure failure_;
};

}  // namespace

Napi::Value run_job(Napi::Env env, std::unique_ptr<Job> job, bool async) {
  if (async) {
    auto* w = new Worker(env, std::move(job));
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  }
  Failure f;
  execute_guarded(*job, f);
  if (f.set) throw make_error(env, f.code, f.message, f.routine, f.info);
  return job->result(env);
}

}  // namespace ws::binding
