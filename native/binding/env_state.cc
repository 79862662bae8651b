#include "env_state.h"

#include <atomic>

namespace ws::binding {
namespace {
std::atomic<std::uint64_t> g_next_env{1};
}

EnvState::EnvState(napi_env env) : env_(env), id_(g_next_env++) {}

std::shared_ptr<EnvState> EnvState::create(Napi::Env env) {
  std::shared_ptr<EnvState> s(new EnvState(env));
  napi_value name;
  NAPI_THROW_IF_FAILED(env, napi_create_string_utf8(env, "weightscope", NAPI_AUTO_LENGTH, &name), nullptr);
  NAPI_THROW_IF_FAILED(env,
                       napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, on_tsfn_finalized,
                                                       s.get(), call_js, &s->tsfn_),
                       nullptr);
  NAPI_THROW_IF_FAILED(env, napi_unref_threadsafe_function(env, s->tsfn_), nullptr);
  s->keep_ = s;
  NAPI_THROW_IF_FAILED(env, napi_add_env_cleanup_hook(env, on_cleanup, s.get()), nullptr);
  return s;
}

void EnvState::submit(std::unique_ptr<Task> t, std::uint32_t token) {
  if (in_flight_++ == 0) napi_ref_threadsafe_function(env_, tsfn_);
  if (token) tokens_[token] = t.get();
  t->owner = id_;
  t->sink = shared_from_this();
  Scheduler::instance().submit(std::move(t));
}

bool EnvState::cancel(std::uint32_t token) {
  auto it = tokens_.find(token);
  return it != tokens_.end() && Scheduler::instance().cancel(it->second);
}

void EnvState::deliver(std::unique_ptr<Task> t) noexcept {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (alive_ && tsfn_alive_ && napi_call_threadsafe_function(tsfn_, t.get(), napi_tsfn_nonblocking) == napi_ok) {
      t.release();  // now owned by the queue: call_js gets it
      return;
    }
  }
  t.reset();  // the environment is gone: free the job here, its promise went with it
}

void EnvState::settled(const Task* t) {
  for (auto it = tokens_.begin(); it != tokens_.end(); ++it)
    if (it->second == t) {
      tokens_.erase(it);
      break;
    }
  if (--in_flight_ == 0) napi_unref_threadsafe_function(env_, tsfn_);
}

void EnvState::call_js(napi_env env, napi_value, void* context, void* data) {
  std::unique_ptr<Task> t(static_cast<Task*>(data));
  if (!env) return;  // Node is tearing the function down: free the job only
  static_cast<EnvState*>(context)->settled(t.get());
  settle_task(env, std::move(t));
}

void EnvState::on_cleanup(void* arg) {
  auto* s = static_cast<EnvState*>(arg);
  {
    std::lock_guard<std::mutex> lk(s->mu_);
    s->alive_ = false;
  }
  Scheduler::instance().drop_owner(s->id_);  // delivered straight back to deliver(), which frees them
}

void EnvState::on_tsfn_finalized(napi_env, void*, void* hint) {
  auto* s = static_cast<EnvState*>(hint);
  std::shared_ptr<EnvState> keep;
  {
    std::lock_guard<std::mutex> lk(s->mu_);
    s->tsfn_alive_ = false;
    keep = std::move(s->keep_);
  }
}  // `keep` may release the last reference here, after the lock

}  // namespace ws::binding
