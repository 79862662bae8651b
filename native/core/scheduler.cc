#include "scheduler.h"

#include <sched.h>

#include <algorithm>
#include <utility>

namespace ws {

// One parallel_for: the caller and the helpers it pushed pull indices from `next`. The caller waits only
// for helpers that actually started; one that starts after the work is closed returns at once.
struct Scheduler::Helper {
  std::size_t n = 0;
  const std::function<void(std::size_t)>* fn = nullptr;  // valid until closed
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;
  bool closed = false;
  std::exception_ptr error;

  void work() {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        (*fn)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lk(mu);
        if (!error) error = std::current_exception();
        next.store(n);
      }
    }
  }
  void join() {
    {
      std::lock_guard<std::mutex> lk(mu);
      if (closed) return;
      ++active;
    }
    work();
    std::lock_guard<std::mutex> lk(mu);
    if (--active == 0) cv.notify_all();
  }
};

void RunContext::parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  auto h = std::make_shared<Scheduler::Helper>();
  h->n = n;
  h->fn = &fn;
  const int helpers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(helpers_), n - 1));
  if (s_ && helpers > 0) s_->push_helpers(h, helpers);
  h->work();
  std::unique_lock<std::mutex> lk(h->mu);
  h->closed = true;
  h->cv.wait(lk, [&] { return h->active == 0; });
  if (h->error) std::rethrow_exception(h->error);
}

Scheduler::Scheduler(BlasControl& blas, int cores) : blas_(blas), cores_(std::max(1, cores)) {
  threads_ = std::clamp(blas_.initial_threads(), 1, kMaxThreads);
  slots_ = std::min(threads_, cores_);
  // Below ~256^3 flops the threaded SVD gains little and single-threaded jobs side by side finish sooner.
  large_flops_ = 256.0 * 256.0 * 256.0;
  std::lock_guard<std::mutex> lk(mu_);
  set_blas_locked(1);
}

Scheduler::~Scheduler() {
  std::deque<std::unique_ptr<Task>> left;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
    for (auto* q : {&cpu_wait_, &gpu_queue_, &io_queue_})
      for (auto& t : *q) left.push_back(std::move(t));
    for (auto& e : cpu_ready_) left.push_back(std::move(e.task));
  }
  cpu_cv_.notify_all();
  gpu_cv_.notify_all();
  io_cv_.notify_all();
  for (auto& w : workers_) w.join();
  for (auto& t : left) deliver(std::move(t), Outcome::Dropped);
}

void Scheduler::deliver(std::unique_ptr<Task> t, Outcome o) {
  t->outcome = o;
  std::shared_ptr<TaskSink> sink = t->sink;
  if (sink) sink->deliver(std::move(t));
}

void Scheduler::set_blas_locked(int n) {
  if (blas_threads_ == n) return;
  blas_.set_threads(n);
  blas_threads_ = n;
}

void Scheduler::submit(std::unique_ptr<Task> t) {
  std::lock_guard<std::mutex> lk(mu_);
  enqueue_locked(std::move(t));
}

void Scheduler::enqueue_locked(std::unique_ptr<Task> t) {
  const JobKind k = t->kind;
  switch (k) {
    case JobKind::Gpu:
      gpu_queue_.push_back(std::move(t));
      ensure_workers_locked(k);
      gpu_cv_.notify_one();
      return;
    case JobKind::Io:
      io_queue_.push_back(std::move(t));
      ensure_workers_locked(k);
      io_cv_.notify_one();
      return;
    default:
      cpu_wait_.push_back(std::move(t));
      ensure_workers_locked(k);
      pump_locked();
  }
}

// Admits CPU jobs from the head of the queue while their resources are free (see the header).
void Scheduler::pump_locked() {
  if (exiting_ || held_) return;
  if (busy_ == 0 && sync_active_ == 0 && !exclusive_) set_blas_locked(1);
  while (!cpu_wait_.empty()) {
    const JobKind k = cpu_wait_.front()->kind;
    Entry e;
    if (k == JobKind::Small) {
      if (exclusive_ || busy_ >= slots_ || blas_threads_ != 1) break;
      e.claimed = 1;
    } else {
      if (exclusive_ || busy_ > 0 || sync_active_ > 0) break;
      e.blas = k == JobKind::Large ? threads_ : 1;
      set_blas_locked(e.blas);
      e.claimed = slots_;
      e.exclusive = true;
      exclusive_ = true;
    }
    busy_ += e.claimed;
    e.task = std::move(cpu_wait_.front());
    cpu_wait_.pop_front();
    cpu_ready_.push_back(std::move(e));
    cpu_cv_.notify_one();
  }
}

void Scheduler::ensure_workers_locked(JobKind lane) {
  if (stopping_) return;
  int* have = &cpu_workers_;
  int want = slots_;
  if (lane == JobKind::Gpu) have = &gpu_workers_, want = 1;
  if (lane == JobKind::Io) have = &io_workers_, want = kIoThreads;
  for (; *have < want; ++*have) {
    if (lane == JobKind::Gpu || lane == JobKind::Io)
      workers_.emplace_back([this, lane] { lane_worker(lane); });
    else
      workers_.emplace_back([this] { cpu_worker(); });
  }
}

void Scheduler::push_helpers(const std::shared_ptr<Helper>& h, int n) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (int i = 0; i < n; ++i) helper_ready_.push_back(h);
  }
  for (int i = 0; i < n; ++i) cpu_cv_.notify_one();
}

void Scheduler::cpu_worker() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cpu_cv_.wait(lk, [&] { return stopping_ || (!exiting_ && (!helper_ready_.empty() || !cpu_ready_.empty())); });
    if (stopping_) return;
    if (!helper_ready_.empty()) {
      std::shared_ptr<Helper> h = std::move(helper_ready_.front());
      helper_ready_.pop_front();
      lk.unlock();
      h->join();
      lk.lock();
      continue;
    }
    Entry e = std::move(cpu_ready_.front());
    cpu_ready_.pop_front();
    ++cpu_running_;
    RunContext ctx;
    ctx.s_ = this;
    ctx.blas_threads_ = e.blas;
    ctx.helpers_ = e.task->kind == JobKind::Batch ? e.claimed - 1 : 0;
    lk.unlock();
    const bool again = e.task->run(ctx);
    lk.lock();
    --cpu_running_;
    busy_ -= e.claimed;
    if (e.exclusive) exclusive_ = false;
    std::unique_ptr<Task> done;
    if (again)
      enqueue_locked(std::move(e.task));
    else
      done = std::move(e.task);
    pump_locked();
    if (done) {
      lk.unlock();
      deliver(std::move(done), Outcome::Ran);
      lk.lock();
    }
  }
}

void Scheduler::lane_worker(JobKind lane) {
  auto& queue = lane == JobKind::Gpu ? gpu_queue_ : io_queue_;
  auto& cv = lane == JobKind::Gpu ? gpu_cv_ : io_cv_;
  int& running = lane == JobKind::Gpu ? gpu_running_ : io_running_;
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv.wait(lk, [&] { return stopping_ || (!exiting_ && !queue.empty()); });
    if (stopping_) return;
    std::unique_ptr<Task> t = std::move(queue.front());
    queue.pop_front();
    ++running;
    lk.unlock();
    RunContext ctx;  // GPU and I/O work does not call BLAS
    const bool again = t->run(ctx);
    lk.lock();
    --running;
    if (again) {
      enqueue_locked(std::move(t));
      continue;
    }
    lk.unlock();
    deliver(std::move(t), Outcome::Ran);
    lk.lock();
  }
}

bool Scheduler::cancel(const Task* t) {
  std::unique_ptr<Task> found;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto* q : {&cpu_wait_, &gpu_queue_, &io_queue_}) {
      auto it = std::find_if(q->begin(), q->end(), [&](const std::unique_ptr<Task>& p) { return p.get() == t; });
      if (it == q->end()) continue;
      found = std::move(*it);
      q->erase(it);
      break;
    }
    if (found) pump_locked();  // a large job removed from the head may let small ones in
  }
  if (!found) return false;
  deliver(std::move(found), Outcome::Cancelled);
  return true;
}

void Scheduler::drop_owner(std::uint64_t owner) {
  std::deque<std::unique_ptr<Task>> dropped;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto* q : {&cpu_wait_, &gpu_queue_, &io_queue_})
      for (auto it = q->begin(); it != q->end();) {
        if ((*it)->owner == owner) {
          dropped.push_back(std::move(*it));
          it = q->erase(it);
        } else {
          ++it;
        }
      }
    pump_locked();
  }
  for (auto& t : dropped) deliver(std::move(t), Outcome::Dropped);
}

void Scheduler::set_threads(int n) {
  std::lock_guard<std::mutex> lk(mu_);
  threads_ = std::clamp(n, 1, kMaxThreads);
  slots_ = std::min(threads_, cores_);
  ensure_workers_locked(JobKind::Small);
  pump_locked();
}

int Scheduler::threads() {
  std::lock_guard<std::mutex> lk(mu_);
  return threads_;
}

int Scheduler::slots() {
  std::lock_guard<std::mutex> lk(mu_);
  return slots_;
}

void Scheduler::hold_cpu(bool on) {
  std::lock_guard<std::mutex> lk(mu_);
  held_ = on;
  if (!on) pump_locked();
}

void Scheduler::set_large_job_flops(double flops) {
  std::lock_guard<std::mutex> lk(mu_);
  large_flops_ = flops;
}

double Scheduler::large_job_flops() {
  std::lock_guard<std::mutex> lk(mu_);
  return large_flops_;
}

JobKind Scheduler::cpu_kind(std::size_t rows, std::size_t cols) {
  const double flops = static_cast<double>(rows) * static_cast<double>(cols) * static_cast<double>(std::min(rows, cols));
  std::lock_guard<std::mutex> lk(mu_);
  return flops > large_flops_ && threads_ > 1 ? JobKind::Large : JobKind::Small;
}

bool Scheduler::quiesce_for_exit() {
  std::lock_guard<std::mutex> lk(mu_);
  exiting_ = true;
  return cpu_running_ + gpu_running_ + sync_active_ + sync_exclusive_ > 0;
}

SchedulerStats Scheduler::stats() {
  std::lock_guard<std::mutex> lk(mu_);
  return {slots_,
          threads_,
          blas_threads_,
          cpu_running_,
          gpu_running_,
          io_running_,
          sync_active_ + sync_exclusive_,
          static_cast<int>(cpu_wait_.size() + cpu_ready_.size()),
          static_cast<int>(gpu_queue_.size()),
          static_cast<int>(io_queue_.size())};
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace ws
