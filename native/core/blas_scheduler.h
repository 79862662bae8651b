// Who may call OpenBLAS, with how many threads, at a time.
//
// OpenBLAS's thread count is a process-wide setting and its threaded calls do not compose with the
// libuv pool (4 jobs at once): 4 concurrent calls each using all cores oversubscribe the machine.
// Policy:
//   - a large job takes an exclusive lease and runs alone with all BLAS threads;
//   - small jobs take shared leases and run side by side, one BLAS thread each;
//   - a batch takes an exclusive lease with BLAS at one thread and runs its own worker threads,
//     one matrix per thread.
// Exclusive requests are served before new shared ones, so a large job is never starved.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace ws {

class BlasScheduler {
 public:
  // Gpu: the job does not call OpenBLAS (cuSOLVER work): it takes no lease and waits for no CPU job.
  enum class Mode { Shared, Exclusive, ExclusiveSingleThreaded, Gpu };

  static BlasScheduler& instance();

  // Number of BLAS threads a large job uses (setThreads). Clamped to >= 1.
  void set_threads(int n);
  int threads();
  // A job is "large" above this many estimated flops (rows * cols * min(rows, cols)).
  void set_large_job_flops(double flops);
  double large_job_flops();
  Mode mode_for(std::size_t rows, std::size_t cols);

  class Lease {
   public:
    Lease(BlasScheduler& s, Mode m);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    BlasScheduler& s_;
    Mode m_;
  };

 private:
  BlasScheduler();
  void apply_blas_threads(int n);  // caller holds mu_ and no job is inside BLAS
  std::mutex mu_;
  std::condition_variable cv_;
  int threads_;
  int current_blas_threads_;
  double large_flops_;
  int shared_active_ = 0;
  bool exclusive_active_ = false;
  int exclusive_waiting_ = 0;
};

}  // namespace ws
