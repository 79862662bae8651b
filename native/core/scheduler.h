// The process-wide scheduler of native work. Plain C++ (no Node API), shared by every JavaScript
// environment (main thread and worker_threads): OpenBLAS's thread count is process-global.
//
// It owns its threads: CPU compute threads (one per slot, slots = min(setThreads, cores)), one GPU lane
// thread and two I/O threads. A job waits in a queue, holding no thread, until its resources are free;
// nobody ever blocks on a lease:
//   - Small CPU job (rows*cols*min <= largeJobFlops): takes one slot, runs with one BLAS thread; up to
//     `slots` side by side.
//   - Large CPU job: admitted when no CPU job runs; takes every slot and runs alone with setThreads BLAS
//     threads. The queue is FIFO, so a large job at its head stops later small admissions (no
//     starvation) while the running small jobs finish.
//   - Batch: admitted like a large job, but BLAS stays at one thread and the batch spreads its matrices
//     over the slots' threads (parallel_for).
//   - GPU job: its own FIFO lane and thread, one at a time; never waits for CPU jobs. A GPU job that falls
//     back to the CPU is queued again as a CPU job.
//   - I/O job (file reads, decoding): its own two threads; never takes a CPU slot.
// OpenBLAS's thread count is changed only while no CPU job and no synchronous call is inside BLAS: it is
// setThreads while a large job runs and 1 otherwise.
//
// Synchronous calls never wait either (SyncScope): they run at once on the caller's thread.
//   - small: one BLAS thread, unless a large async job is running with all threads; the count is not
//     changed under it, so the call runs with that count (OpenBLAS keeps calls below its per-routine size
//     thresholds, e.g. gemm <= 64^3 flops, on the calling thread; larger ones share its pool);
//   - large: all BLAS threads when no CPU job runs (async jobs submitted meanwhile wait, holding no
//     thread), else like a small one (one thread beside small async jobs, the running count beside a
//     large one);
//   - batch: the caller's thread plus whatever slots are free at that moment, none if a large job is
//     running or waiting.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ws {

enum class JobKind { Small, Large, Batch, Gpu, Io };
enum class Outcome { Pending, Ran, Cancelled, Dropped };

class Scheduler;
class Task;

// Where finished tasks go: the binding implements one per JavaScript environment.
class TaskSink {
 public:
  virtual ~TaskSink() = default;
  // Called exactly once per task: after it ran, or when it was dropped from the queue (outcome says
  // which). From a scheduler thread, or from the thread that cancelled or dropped it. Owns the task.
  virtual void deliver(std::unique_ptr<Task> t) noexcept = 0;
};

// What a running task may use.
class RunContext {
 public:
  int blas_threads() const { return blas_threads_; }
  int helpers() const { return helpers_; }
  // fn(i) for every i in [0, n), on this thread and the helper threads reserved for the task. The first
  // exception fn throws is rethrown here once every helper has stopped.
  void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

 private:
  friend class Scheduler;
  Scheduler* s_ = nullptr;
  int blas_threads_ = 1;
  int helpers_ = 0;
};

class Task {
 public:
  virtual ~Task() = default;
  // Runs the work on a scheduler thread (or the caller's, for synchronous calls). Must not throw.
  // Returns true after changing `kind` to be queued again in that lane (GPU -> CPU fallback).
  virtual bool run(RunContext& ctx) noexcept = 0;

  JobKind kind = JobKind::Small;
  std::uint64_t owner = 0;          // the environment it came from (drop_owner)
  std::shared_ptr<TaskSink> sink;   // where it is delivered
  Outcome outcome = Outcome::Pending;
};

// OpenBLAS's global thread control, behind an interface so the scheduler can be tested without it.
class BlasControl {
 public:
  virtual ~BlasControl() = default;
  virtual void set_threads(int n) = 0;
  virtual int initial_threads() = 0;
};

struct SchedulerStats {
  int slots, threads, blas_threads;
  int cpu_running, gpu_running, io_running, sync_running;
  int cpu_queued, gpu_queued, io_queued;
};

class Scheduler {
 public:
  static constexpr int kMaxThreads = 256;  // setThreads' documented maximum
  static constexpr int kIoThreads = 2;

  static Scheduler& instance();  // the process-wide one, over OpenBLAS (never destroyed)
  Scheduler(BlasControl& blas, int cores);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void submit(std::unique_ptr<Task> t);
  // A task still queued is removed and delivered as Cancelled (true); a running one is left alone.
  bool cancel(const Task* t);
  // Every queued task of `owner` is delivered as Dropped (an environment shutting down).
  void drop_owner(std::uint64_t owner);

  void set_threads(int n);  // 1..kMaxThreads
  int threads();
  int slots();
  void set_large_job_flops(double flops);
  double large_job_flops();
  JobKind cpu_kind(std::size_t rows, std::size_t cols);  // Small or Large
  SchedulerStats stats();

  // Process exit: no job starts from now on; true when a CPU or GPU job (or a synchronous call on
  // another thread) is still running. See exit_guard in blas_control.cc.
  bool quiesce_for_exit();

  // Tests only (exposed by the test hooks): while held, no queued CPU job is admitted, so a test can
  // observe jobs that are certainly still queued instead of racing a long job.
  void hold_cpu(bool on);

  // A synchronous call: resources as described above, taken without waiting, released on destruction.
  class SyncScope {
   public:
    SyncScope(Scheduler& s, JobKind kind);
    ~SyncScope();
    SyncScope(const SyncScope&) = delete;
    SyncScope& operator=(const SyncScope&) = delete;
    RunContext& context() { return ctx_; }

   private:
    Scheduler& s_;
    JobKind kind_;
    bool exclusive_ = false;
    int claimed_ = 0;
    RunContext ctx_;
  };

 private:
  friend class RunContext;
  struct Entry {
    std::unique_ptr<Task> task;
    int claimed = 0;         // CPU slots held while it runs
    bool exclusive = false;  // large or batch
    int blas = 1;            // BLAS threads it runs with
  };
  struct Helper;  // a parallel_for participant

  void enqueue_locked(std::unique_ptr<Task> t);
  void pump_locked();
  void set_blas_locked(int n);
  void ensure_workers_locked(JobKind lane);
  void cpu_worker();
  void lane_worker(JobKind lane);
  void push_helpers(const std::shared_ptr<Helper>& h, int n);
  static void deliver(std::unique_ptr<Task> t, Outcome o);

  BlasControl& blas_;
  const int cores_;
  std::mutex mu_;
  std::condition_variable cpu_cv_, gpu_cv_, io_cv_;
  int threads_;
  int slots_;
  double large_flops_;
  int blas_threads_ = -1;  // what OpenBLAS was last set to
  int busy_ = 0;           // CPU slots taken (async jobs and sync claims)
  bool exclusive_ = false; // a large job or batch runs (async or sync)
  int sync_active_ = 0;    // synchronous calls inside BLAS without exclusivity
  int sync_exclusive_ = 0; // a large synchronous call holding every slot
  int cpu_running_ = 0, gpu_running_ = 0, io_running_ = 0;
  int cpu_workers_ = 0, gpu_workers_ = 0, io_workers_ = 0;
  std::deque<std::unique_ptr<Task>> cpu_wait_, gpu_queue_, io_queue_;
  std::deque<Entry> cpu_ready_;                       // admitted, slots assigned
  std::deque<std::shared_ptr<Helper>> helper_ready_;  // parallel_for work for idle CPU threads
  bool stopping_ = false;                             // only a test scheduler is ever destroyed
  bool exiting_ = false;                              // the process is exiting: admit nothing
  bool held_ = false;                                 // hold_cpu (tests)
  std::vector<std::thread> workers_;
};

// OpenBLAS behind BlasControl (the process-wide scheduler's).
BlasControl& openblas_control();

// Logical CPUs this process may run on (sched_getaffinity), at least 1.
int available_cores();

}  // namespace ws
