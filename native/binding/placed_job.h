// A Job that runs on the CPU or the GPU (call_options.h's device bits). Under backend 'auto' a GPU
// failure (out of GPU memory, a failing CUDA call, a cuSOLVER routine that did not converge) does not
// fail the call: the job reruns itself on the CPU, on the same input it already holds (its own copy for
// an async call), and its result says why in `fallback`.
#pragma once
#include <string>

#include "../core/scheduler.h"
#include "call_options.h"
#include "job.h"

namespace ws::binding {

class PlacedJob : public Job {
 public:
  PlacedJob(const CallOptions& o, JobKind cpu_kind)
      : gpu_(o.gpu), routine_(o.routine), fallback_(o.fallback),
        cpu_kind_(o.shared && cpu_kind == JobKind::Large ? JobKind::Small : cpu_kind) {
    kind = gpu_ ? JobKind::Gpu : cpu_kind_;
  }

  void execute() final {
    if (gpu_) {
      try {
        run_gpu();
        return;
      } catch (const CoreError& e) {
        if (!fallback_ || !gpu_failure(e)) throw;
        fallback_reason_ = e.what();
        gpu_ = false;
        run_again_as(cpu_kind_);
        return;
      }
    }
    run_cpu();
  }

 protected:
  virtual void run_cpu() = 0;
  virtual void run_gpu() = 0;
  cuda::SvdRoutine routine() const { return routine_; }
  // Sets `fallback` on a result object when the GPU failed and the CPU ran instead.
  void note_fallback(Napi::Object o) const {
    if (!fallback_reason_.empty()) o.Set("fallback", fallback_reason_);
  }

 private:
  static bool gpu_failure(const CoreError& e) {
    return e.code == ErrorCode::CudaOom || e.code == ErrorCode::Cuda ||
           (e.code == ErrorCode::Lapack && e.routine.rfind("cusolver", 0) == 0);
  }
  bool gpu_;
  cuda::SvdRoutine routine_;
  bool fallback_;
  JobKind cpu_kind_;
  std::string fallback_reason_;
};

}  // namespace ws::binding
