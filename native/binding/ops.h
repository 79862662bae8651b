// The addon's numeric entry points. Each takes (data, rows, cols, ..., async, device) as validated by
// src/binding.ts and returns a result or a Promise of it. device: 0 = CPU, 1 = GPU (routine by size),
// 2 = GPU gesvdj, 3 = GPU Xgesvdp.
#pragma once
#include <napi.h>

namespace ws::binding {
Napi::Value Svdvals(const Napi::CallbackInfo& info);       // (data, rows, cols, async, device) -> {S, routine}
Napi::Value Svd(const Napi::CallbackInfo& info);           // (data, rows, cols, mode, async, device) -> {U,S,Vt,...}
Napi::Value Eigvalsh(const Napi::CallbackInfo& info);      // (data, n, n, async, device) -> w ascending
Napi::Value Gram(const Napi::CallbackInfo& info);          // (data, rows, cols, async, device) -> {G, n}
Napi::Value GramEigvalsh(const Napi::CallbackInfo& info);  // (data, rows, cols, async, device) -> w ascending
Napi::Value SvdvalsBatch(const Napi::CallbackInfo& info);  // (arrays[], rows, cols, async, device) -> S[]
Napi::Value CudaProbe(const Napi::CallbackInfo& info);     // (dirs[]) -> what the CUDA loader found
Napi::Value CudaMemInfo(const Napi::CallbackInfo& info);   // () -> {free, total} bytes of device 0, or null
Napi::Value CudaHold(const Napi::CallbackInfo& info);      // test hook: (bytes) -> allocated?
Napi::Value CudaRelease(const Napi::CallbackInfo& info);   // test hook: frees what CudaHold took
}  // namespace ws::binding
