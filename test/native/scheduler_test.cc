// The native scheduler (native/core/scheduler.cc) on its own, without Node or OpenBLAS: fake tasks that
// block on latches record when and with how many BLAS threads they ran, and a fake BlasControl fails the
// test if the thread count changes while any task or synchronous call is inside "BLAS".
// Built and run by test/1a-scheduler.test.ts (plain and under ThreadSanitizer). Prints one line per
// check and exits non-zero on the first failure.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../../native/core/scheduler.h"

using namespace ws;
using namespace std::chrono_literals;

namespace {

std::atomic<int> g_inside{0};  // tasks and sync scopes "inside BLAS" right now
std::atomic<int> g_bad_changes{0};

class FakeBlas : public BlasControl {
 public:
  explicit FakeBlas(int initial) : initial_(initial) {}
  void set_threads(int n) override {
    if (g_inside.load() != 0) g_bad_changes++;
    current = n;
  }
  int initial_threads() override { return initial_; }
  std::atomic<int> current{-1};

 private:
  int initial_;
};

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) std::exit(1);
}

class Latch {
 public:
  void open() {
    std::lock_guard<std::mutex> lk(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return open_; });
  }
  bool wait_for(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_for(lk, d, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

struct Log {
  std::mutex mu;
  std::vector<std::string> starts;
  std::atomic<int> running{0}, max_running{0};
  std::atomic<int> delivered{0}, cancelled{0}, dropped{0}, ran{0};
  std::condition_variable cv;
  std::vector<std::unique_ptr<Task>> kept;  // delivered tasks stay alive for the checks
  void start(const std::string& name) {
    std::lock_guard<std::mutex> lk(mu);
    starts.push_back(name);
  }
  int index(const std::string& name) {
    std::lock_guard<std::mutex> lk(mu);
    for (std::size_t i = 0; i < starts.size(); ++i)
      if (starts[i] == name) return static_cast<int>(i);
    return -1;
  }
  void wait_delivered(int n) {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait_for(lk, 10s, [&] { return delivered.load() >= n; });
  }
};

class Sink : public TaskSink {
 public:
  explicit Sink(Log& log) : log_(log) {}
  void deliver(std::unique_ptr<Task> t) noexcept override {
    if (t->outcome == Outcome::Cancelled) log_.cancelled++;
    if (t->outcome == Outcome::Dropped) log_.dropped++;
    if (t->outcome == Outcome::Ran) log_.ran++;
    std::lock_guard<std::mutex> lk(log_.mu);
    log_.kept.push_back(std::move(t));
    log_.delivered++;
    log_.cv.notify_all();
  }

 private:
  Log& log_;
};

class FakeTask : public Task {
 public:
  FakeTask(std::string name, JobKind k, Log& log, std::shared_ptr<Sink> s, Latch* gate = nullptr)
      : name_(std::move(name)), log_(log), gate_(gate) {
    kind = k;
    sink = std::move(s);
  }
  bool run(RunContext& ctx) noexcept override {
    const bool cpu = kind != JobKind::Gpu && kind != JobKind::Io;
    if (cpu) g_inside++;
    log_.start(name_);
    blas_seen = ctx.blas_threads();
    const int r = ++log_.running;
    int m = log_.max_running.load();
    while (r > m && !log_.max_running.compare_exchange_weak(m, r)) {
    }
    if (started) started->open();
    if (gate_) gate_->wait();
    if (kind == JobKind::Batch) {
      std::mutex mu;
      std::set<std::thread::id> ids;
      ctx.parallel_for(64, [&](std::size_t) {
        std::this_thread::sleep_for(1ms);
        std::lock_guard<std::mutex> lk(mu);
        ids.insert(std::this_thread::get_id());
      });
      batch_threads = static_cast<int>(ids.size());
    }
    --log_.running;
    if (cpu) g_inside--;
    if (fallback_to) {
      kind = *fallback_to;
      fallback_to.reset();
      return true;
    }
    return false;
  }
  std::string name_;
  Log& log_;
  Latch* gate_;
  Latch* started = nullptr;
  int blas_seen = 0;
  int batch_threads = 0;
  std::unique_ptr<JobKind> fallback_to;
};

std::unique_ptr<FakeTask> fake(const std::string& name, JobKind k, Log& log, std::shared_ptr<Sink> s, Latch* gate = nullptr) {
  return std::make_unique<FakeTask>(name, k, log, std::move(s), gate);
}

// Submits a job of `kind` while `busy` small jobs blocked on a latch hold the CPU slots; true when it
// starts before they are released.
bool starts_while_cpu_busy(Scheduler& s, Log& log, const std::shared_ptr<Sink>& sink, Latch& gate, int busy, JobKind kind,
                           const std::string& name) {
  for (int i = 0; i < busy; ++i) s.submit(fake(name + "-cpu" + std::to_string(i), JobKind::Small, log, sink, &gate));
  Latch started;
  auto t = fake(name, kind, log, sink);
  t->started = &started;
  s.submit(std::move(t));
  return started.wait_for(5s);
}

}  // namespace

int main() {
  FakeBlas blas(4);  // setThreads default 4 ...
  {
    Scheduler s(blas, 2);  // ... on 2 cores: 2 slots
    check(s.threads() == 4 && s.slots() == 2 && blas.current == 1, "4 threads on 2 cores: 2 slots, BLAS at 1 when idle");
    check(s.cpu_kind(100, 100) == JobKind::Small && s.cpu_kind(512, 512) == JobKind::Large, "size classes");

    // 1. Small jobs: side by side up to the slot count, one BLAS thread each.
    Log log;
    auto sink = std::make_shared<Sink>(log);
    Latch gate;
    std::vector<FakeTask*> tasks;
    for (int i = 0; i < 6; ++i) {
      auto t = std::make_unique<FakeTask>("s" + std::to_string(i), JobKind::Small, log, sink, &gate);
      tasks.push_back(t.get());
      s.submit(std::move(t));
    }
    std::this_thread::sleep_for(50ms);
    check(log.running == 2, "6 small jobs on 2 slots: 2 run, the rest wait without a thread");
    check(s.stats().cpu_queued == 4, "4 queued");
    // 2. Cancel: a queued job is delivered as cancelled at once and never runs.
    check(s.cancel(tasks[5]), "cancel of a queued job succeeds");
    check(!s.cancel(tasks[0]), "cancel of a running job is refused");
    gate.open();
    log.wait_delivered(6);
    check(log.cancelled == 1 && log.ran == 5 && log.max_running == 2, "5 ran, 1 cancelled, never more than 2 at once");
    check(log.index("s5") == -1, "the cancelled job never started");
    check(g_bad_changes == 0, "BLAS count never changed under a running job");
  }
  {
    // 3. Large jobs run alone with all threads; a waiting large job stops later small admissions.
    Scheduler s(blas, 2);
    Log log;
    auto sink = std::make_shared<Sink>(log);
    Latch g1, g2, gl;
    Latch l_started;
    s.submit(std::make_unique<FakeTask>("s1", JobKind::Small, log, sink, &g1));
    s.submit(std::make_unique<FakeTask>("s2", JobKind::Small, log, sink, &g2));
    auto large = std::make_unique<FakeTask>("L", JobKind::Large, log, sink, &gl);
    large->started = &l_started;
    FakeTask* lp = large.get();
    s.submit(std::move(large));
    s.submit(std::make_unique<FakeTask>("s3", JobKind::Small, log, sink));
    std::this_thread::sleep_for(30ms);
    g1.open();  // a slot frees up, but L is at the head of the queue
    std::this_thread::sleep_for(30ms);
    check(log.index("s3") == -1 && log.index("L") == -1, "a small job behind a waiting large job is not admitted");
    g2.open();
    check(l_started.wait_for(5s), "the large job starts once the small ones are done");
    check(log.running == 1 && lp->blas_seen == 4 && blas.current == 4, "the large job runs alone with 4 BLAS threads");
    // 4. A synchronous small call during the large job runs at once, with the running count.
    {
      const auto t0 = std::chrono::steady_clock::now();
      Scheduler::SyncScope scope(s, JobKind::Small);
      g_inside++;
      const auto waited = std::chrono::steady_clock::now() - t0;
      check(waited < 20ms && scope.context().blas_threads() == 4, "sync small call during a large job: no wait, count unchanged");
      g_inside--;
    }
    gl.open();
    log.wait_delivered(4);
    check(log.index("L") < log.index("s3"), "the small job queued after the large one ran after it");
    check(blas.current == 1, "BLAS back at 1 after the large job");
    check(g_bad_changes == 0, "BLAS count never changed under a running job");
  }
  {
    // 5. A synchronous large call when idle takes every slot; async jobs submitted meanwhile wait.
    Scheduler s(blas, 2);
    Log log;
    auto sink = std::make_shared<Sink>(log);
    {
      Scheduler::SyncScope scope(s, JobKind::Large);
      g_inside++;
      check(scope.context().blas_threads() == 4 && blas.current == 4, "sync large call when idle: all 4 threads");
      s.submit(std::make_unique<FakeTask>("a", JobKind::Small, log, sink));
      std::this_thread::sleep_for(30ms);
      check(log.index("a") == -1, "an async job submitted during it waits");
      g_inside--;
    }
    log.wait_delivered(1);
    check(log.ran == 1 && g_bad_changes == 0, "then runs; BLAS count never changed under it");
    // 6. A synchronous large call beside small async jobs runs at once with one thread.
    Latch g;
    s.submit(std::make_unique<FakeTask>("b", JobKind::Small, log, sink, &g));
    std::this_thread::sleep_for(20ms);
    {
      Scheduler::SyncScope scope(s, JobKind::Large);
      check(scope.context().blas_threads() == 1, "sync large call beside a small async job: no wait, one thread");
    }
    g.open();
    log.wait_delivered(2);
  }
  {
    // 7. Batches: alone, matrices spread over the slots' threads, never more threads than slots.
    Scheduler s(blas, 2);
    Log log;
    auto sink = std::make_shared<Sink>(log);
    auto b = std::make_unique<FakeTask>("B", JobKind::Batch, log, sink);
    FakeTask* bp = b.get();
    s.submit(std::move(b));
    log.wait_delivered(1);
    check(bp->blas_seen == 1 && bp->batch_threads >= 1 && bp->batch_threads <= 2,
          "async batch: BLAS at 1, " + std::to_string(bp->batch_threads) + " thread(s) of 2 slots");
    Scheduler::SyncScope scope(s, JobKind::Batch);
    check(scope.context().helpers() == 1, "sync batch when idle: the caller plus 1 helper");
  }
  {
    // 8. The GPU lane never waits for CPU jobs; a GPU job that falls back is queued again on the CPU.
    Scheduler s(blas, 2);
    Log log;
    auto sink = std::make_shared<Sink>(log);
    Latch g;
    check(starts_while_cpu_busy(s, log, sink, g, 3, JobKind::Gpu, "G"), "a GPU job runs while every CPU slot is busy");
    auto fb = std::make_unique<FakeTask>("F", JobKind::Gpu, log, sink);
    fb->fallback_to = std::make_unique<JobKind>(JobKind::Small);
    s.submit(std::move(fb));
    std::this_thread::sleep_for(30ms);
    g.open();
    log.wait_delivered(5);
    check(log.ran == 5 && log.delivered == 5, "the fallen-back job ran again on the CPU and was delivered once");
    // 9. I/O jobs take no CPU slot.
    Latch g2;
    check(starts_while_cpu_busy(s, log, sink, g2, 2, JobKind::Io, "IO"), "an I/O job runs while every CPU slot is busy");
    // 10. Dropping an environment's queued jobs.
    auto mine = std::make_unique<FakeTask>("mine", JobKind::Small, log, sink);
    mine->owner = 7;
    s.submit(std::move(mine));
    s.drop_owner(7);
    check(log.dropped == 1, "drop_owner delivers the queued job as dropped");
    g2.open();
    log.wait_delivered(9);
    check(log.index("mine") == -1, "and it never ran");
  }
  check(g_bad_changes == 0, "no BLAS change under a running job in any scenario");
  std::printf("all scheduler checks passed\n");
  return 0;
}
