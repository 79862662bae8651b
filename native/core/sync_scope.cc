// Synchronous calls' side of the scheduler (see scheduler.h): resources taken without waiting.
#include <algorithm>

#include "scheduler.h"

namespace ws {

Scheduler::SyncScope::SyncScope(Scheduler& s, JobKind kind) : s_(s), kind_(kind) {
  ctx_.s_ = &s;
  if (kind == JobKind::Gpu || kind == JobKind::Io) return;
  std::lock_guard<std::mutex> lk(s.mu_);
  const bool idle = !s.exclusive_ && s.busy_ == 0 && s.sync_active_ == 0 && s.cpu_wait_.empty();
  if (kind == JobKind::Large && idle) {
    s.set_blas_locked(s.threads_);
    s.exclusive_ = true;
    ++s.sync_exclusive_;
    exclusive_ = true;
    claimed_ = s.slots_;
    s.busy_ += claimed_;
    ctx_.blas_threads_ = s.threads_;
    return;
  }
  if (kind == JobKind::Batch && !s.exclusive_ && s.blas_threads_ == 1) {
    const bool large_waiting = !s.cpu_wait_.empty() && s.cpu_wait_.front()->kind != JobKind::Small;
    claimed_ = large_waiting ? 0 : std::max(0, s.slots_ - s.busy_ - 1);
    s.busy_ += claimed_;
    ctx_.helpers_ = claimed_;
    s.ensure_workers_locked(JobKind::Small);
  }
  ++s.sync_active_;
  ctx_.blas_threads_ = s.blas_threads_;
}

Scheduler::SyncScope::~SyncScope() {
  if (kind_ == JobKind::Gpu || kind_ == JobKind::Io) return;
  std::lock_guard<std::mutex> lk(s_.mu_);
  s_.busy_ -= claimed_;
  if (exclusive_) {
    s_.exclusive_ = false;
    --s_.sync_exclusive_;
  } else {
    --s_.sync_active_;
  }
  s_.pump_locked();
}

}  // namespace ws
