// One per JavaScript environment (the main thread and each worker_thread): where that environment's
// async jobs are submitted from and delivered back to.
//
// Completions reach the environment's JavaScript thread through one napi_threadsafe_function, ref'd only
// while the environment has jobs in flight (so an idle process can exit); results are built and promises
// settled there. Teardown (a worker terminated, the process exiting) drops the environment's queued jobs
// and lets running ones finish: their memory is freed on the thread they ran on, without touching
// JavaScript. Jobs never borrow memory V8 owns across the await (native_array.h), so nothing needs to
// wait for them.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "../core/scheduler.h"

namespace ws::binding {

class EnvState final : public TaskSink, public std::enable_shared_from_this<EnvState> {
 public:
  static std::shared_ptr<EnvState> create(Napi::Env env);
  ~EnvState() override = default;

  // JavaScript thread only.
  void submit(std::unique_ptr<Task> t, std::uint32_t token);
  bool cancel(std::uint32_t token);
  int in_flight() const { return in_flight_; }

  // Any thread.
  void deliver(std::unique_ptr<Task> t) noexcept override;

 private:
  explicit EnvState(napi_env env);
  static void call_js(napi_env env, napi_value cb, void* context, void* data);
  static void on_cleanup(void* arg);
  static void on_tsfn_finalized(napi_env env, void* data, void* hint);
  void settled(const Task* t);

  napi_env env_;
  napi_threadsafe_function tsfn_ = nullptr;
  std::uint64_t id_;
  std::mutex mu_;                          // guards the two flags below
  bool alive_ = true;                      // false once the environment's teardown began
  bool tsfn_alive_ = true;                 // false once Node finalized the threadsafe function
  std::shared_ptr<EnvState> keep_;         // held until the threadsafe function is finalized
  int in_flight_ = 0;                      // JavaScript thread only
  std::unordered_map<std::uint32_t, const Task*> tokens_;  // JavaScript thread only
};

// Settles the promise of a delivered task (job.cc): called on the JavaScript thread, never throws.
void settle_task(napi_env env, std::unique_ptr<Task> t) noexcept;

}  // namespace ws::binding
