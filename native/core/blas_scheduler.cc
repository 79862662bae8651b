#include "blas_scheduler.h"

#include <algorithm>

#include "lapack_api.h"

namespace ws {

BlasScheduler& BlasScheduler::instance() {
  static BlasScheduler s;
  return s;
}

BlasScheduler::BlasScheduler() {
  // OpenBLAS starts with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS or the core count.
  threads_ = std::max(1, openblas_get_num_threads());
  current_blas_threads_ = threads_;
  // Below ~256^3 flops the threaded SVD gains little and four single-threaded jobs finish sooner.
  large_flops_ = 256.0 * 256.0 * 256.0;
}

void BlasScheduler::set_threads(int n) {
  std::lock_guard<std::mutex> lk(mu_);
  threads_ = std::max(1, n);
}

int BlasScheduler::threads() {
  std::lock_guard<std::mutex> lk(mu_);
  return threads_;
}

void BlasScheduler::set_large_job_flops(double flops) {
  std::lock_guard<std::mutex> lk(mu_);
  large_flops_ = flops;
}

double BlasScheduler::large_job_flops() {
  std::lock_guard<std::mutex> lk(mu_);
  return large_flops_;
}

BlasScheduler::Mode BlasScheduler::mode_for(std::size_t rows, std::size_t cols) {
  const double flops = static_cast<double>(rows) * static_cast<double>(cols) *
                       static_cast<double>(std::min(rows, cols));
  std::lock_guard<std::mutex> lk(mu_);
  return (flops > large_flops_ && threads_ > 1) ? Mode::Exclusive : Mode::Shared;
}

void BlasScheduler::apply_blas_threads(int n) {
  if (current_blas_threads_ != n) {
    openblas_set_num_threads(n);
    current_blas_threads_ = n;
  }
}

BlasScheduler::Lease::Lease(BlasScheduler& s, Mode m) : s_(s), m_(m) {
  if (m_ == Mode::Gpu) return;
  std::unique_lock<std::mutex> lk(s_.mu_);
  if (m_ == Mode::Shared) {
    s_.cv_.wait(lk, [&] { return !s_.exclusive_active_ && s_.exclusive_waiting_ == 0; });
    if (s_.shared_active_ == 0) s_.apply_blas_threads(1);
    ++s_.shared_active_;
  } else {
    ++s_.exclusive_waiting_;
    s_.cv_.wait(lk, [&] { return !s_.exclusive_active_ && s_.shared_active_ == 0; });
    --s_.exclusive_waiting_;
    s_.exclusive_active_ = true;
    s_.apply_blas_threads(m_ == Mode::Exclusive ? s_.threads_ : 1);
  }
}

BlasScheduler::Lease::~Lease() {
  if (m_ == Mode::Gpu) return;
  {
    std::lock_guard<std::mutex> lk(s_.mu_);
    if (m_ == Mode::Shared)
      --s_.shared_active_;
    else
      s_.exclusive_active_ = false;
  }
  s_.cv_.notify_all();
}

}  // namespace ws
