// The addon's numeric entry points. Each takes (data, rows, cols, ..., async) as validated by
// src/binding.ts and returns a result or a Promise of it.
#pragma once
#include <napi.h>

namespace ws::binding {
Napi::Value Svdvals(const Napi::CallbackInfo& info);       // (data, rows, cols, async) -> S
Napi::Value Svd(const Napi::CallbackInfo& info);           // (data, rows, cols, mode, async) -> {U,S,Vt,...}
Napi::Value Eigvalsh(const Napi::CallbackInfo& info);      // (data, n, n, async) -> w ascending
Napi::Value Gram(const Napi::CallbackInfo& info);          // (data, rows, cols, async) -> {G, n}
Napi::Value GramEigvalsh(const Napi::CallbackInfo& info);  // (data, rows, cols, async) -> w ascending
Napi::Value SvdvalsBatch(const Napi::CallbackInfo& info);  // (arrays[], rows, cols, async) -> S[]
Napi::Value CudaProbe(const Napi::CallbackInfo& info);     // (dirs[]) -> what the CUDA loader found
}  // namespace ws::binding
