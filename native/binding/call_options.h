// The per-call options src/linalg packs into one integer (and a cancellation token) for every native
// numeric call, decoded once here:
//   bit 0      async (a Promise) or sync
//   bit 1      adopt: the input is an array weightscope made and will not touch while the call runs;
//              when its memory is a native block it is read in place (native_array.h), else copied
//   bits 2-3   device: 0 CPU, 1 GPU (routine by size), 2 GPU gesvdj, 3 GPU Xgesvdp
//   bit 4      fallback: a GPU failure reruns the job on the CPU, inside the job, on its own copy
//   bits 5-6   precision: 0 as stored, 1 float32, 2 float64 (the input is converted while it is copied)
//   bit 7      shared: a CPU job above the large-job size still runs as a small one (one slot, one BLAS
//              thread, beside other jobs): analyze() keeps one layer per slot in flight, and their
//              LAPACK work (memory-bound ?sytrd/?gebrd) gets more done side by side than one at a time
// token: 0, or the id src/linalg gives a call it may cancel (cancel(token)).
#pragma once
#include <napi.h>

#include <cstdint>

#include "../cusolver/gpu_linalg.h"

namespace ws::binding {

enum class Precision { AsStored = 0, F32 = 1, F64 = 2 };

struct CallOptions {
  bool async = false;
  bool adopt = false;
  bool gpu = false;
  cuda::SvdRoutine routine = cuda::SvdRoutine::Auto;
  bool fallback = false;
  Precision precision = Precision::AsStored;
  bool shared = false;
  std::uint32_t token = 0;
};

// (flags, token) at info[i], info[i + 1]; E_OPTION on values src/linalg never sends.
CallOptions call_options(const Napi::CallbackInfo& info, std::size_t i);

}  // namespace ws::binding
