#include "job.h"

#include <exception>
#include <new>

#include "addon_data.h"
#include "env_state.h"
#include "errors.h"

namespace ws::binding {

std::atomic<int>& jobs_in_flight() {
  static std::atomic<int> n{0};
  return n;
}

#ifdef WEIGHTSCOPE_TEST_HOOKS
std::atomic<int> g_fail_results{0};
void fail_next_results(int n) { g_fail_results = n; }
static bool result_fails() {
  int v = g_fail_results.load();
  while (v > 0)
    if (g_fail_results.compare_exchange_weak(v, v - 1)) return true;
  return false;
}
#else
static bool result_fails() { return false; }
#endif

Failure failure_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const CoreError& c) {
    return {true, code_name(c.code), c.what(), c.routine, c.info};
  } catch (const std::bad_alloc&) {
    return {true, "E_TOO_LARGE", "out of memory while computing", "", 0};
  } catch (const std::exception& x) {
    return {true, "E_INTERNAL", x.what(), "", 0};
  } catch (...) {
    return {true, "E_INTERNAL", "unknown native exception", "", 0};
  }
}

// The scheduler's view of a job: runs it, keeps what it threw, holds the Promise's deferred.
class JobTask final : public Task {
 public:
  JobTask(std::unique_ptr<Job> job, napi_deferred d) : job_(std::move(job)), deferred_(d) {
    kind = job_->kind;
    ++jobs_in_flight();
  }
  ~JobTask() override { --jobs_in_flight(); }

  bool run(RunContext& ctx) noexcept override {
    try {
      job_->ctx_ = &ctx;
      job_->again_ = false;
      job_->execute();
      job_->ctx_ = nullptr;
      if (job_->again_) {
        kind = job_->kind;
        return true;
      }
    } catch (...) {
      failure_ = failure_of(std::current_exception());
    }
    return false;
  }

  // JavaScript thread: resolve or reject. Nothing escapes: in a dying environment N-API calls fail and
  // node-addon-api throws; the promise cannot be delivered then anyway.
  void settle(napi_env raw) noexcept {
    try {
      Napi::Env env(raw);
      Napi::HandleScope scope(env);
      if (outcome == Outcome::Cancelled || outcome == Outcome::Dropped) {
        reject(env, make_error(env, "E_ABORTED", "the call was cancelled before it started").Value());
      } else if (failure_.set) {
        reject(env, make_error(env, failure_.code, failure_.message, failure_.routine, failure_.info).Value());
      } else {
        Napi::Value v;
        try {
          if (result_fails()) throw CoreError(ErrorCode::Internal, "injected failure (test hook)");
          v = job_->result(env);
        } catch (const Napi::Error& e) {
          return reject(env, e.Value());
        } catch (...) {
          const Failure f = failure_of(std::current_exception());
          return reject(env, make_error(env, f.code, "building the result failed: " + f.message).Value());
        }
        napi_resolve_deferred(env, deferred_, v);
      }
    } catch (...) {
    }
  }

 private:
  void reject(Napi::Env env, napi_value e) { napi_reject_deferred(env, deferred_, e); }

  std::unique_ptr<Job> job_;
  napi_deferred deferred_;
  Failure failure_;
};

void settle_task(napi_env env, std::unique_ptr<Task> t) noexcept { static_cast<JobTask*>(t.get())->settle(env); }

Napi::Value run_job(Napi::Env env, std::unique_ptr<Job> job, const CallOptions& opts) {
  if (opts.async) {
    napi_deferred d = nullptr;
    napi_value promise = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &d, &promise), Napi::Value());
    auto* data = env.GetInstanceData<AddonData>();
    data->state->submit(std::make_unique<JobTask>(std::move(job), d), opts.token);
    return Napi::Value(env, promise);
  }
  // Sync: at once on this thread, resources taken without waiting (core/scheduler.h, SyncScope).
  for (;;) {
    Scheduler::SyncScope scope(Scheduler::instance(), job->kind);
    job->ctx_ = &scope.context();
    job->again_ = false;
    job->execute();
    job->ctx_ = nullptr;
    if (!job->again_) break;
  }
  return job->result(env);
}

}  // namespace ws::binding
