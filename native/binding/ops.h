// The addon's entry points (each wrapped in guarded() at registration, addon.cc). Numeric calls take
// their input, op arguments, then (flags, token) as packed by src/linalg (call_options.h) and return a
// result object, or a Promise of one for async calls.
#pragma once
#include <napi.h>

namespace ws::binding {
Napi::Value Svdvals(const Napi::CallbackInfo& info);       // (data, rows, cols, flags, token) -> {S, routine}
Napi::Value GramSvdvals(const Napi::CallbackInfo& info);   // (data, rows, cols, flags, token) -> {S, routine}
Napi::Value Svd(const Napi::CallbackInfo& info);           // (data, rows, cols, mode, flags, token) -> {U,S,Vt,...}
Napi::Value Eigvalsh(const Napi::CallbackInfo& info);      // (data, n, n, flags, token) -> {w} ascending
Napi::Value Gram(const Napi::CallbackInfo& info);          // (data, rows, cols, flags, token) -> {G, n}
Napi::Value GramEigvalsh(const Napi::CallbackInfo& info);  // (data, rows, cols, flags, token) -> {w} ascending
Napi::Value SvdvalsBatch(const Napi::CallbackInfo& info);  // (arrays[], rows, cols, flags, token) -> {S: []}
// (path, offset, byteLength, dtype, shape, layout, out, flags, token) -> {data, shape}
Napi::Value ReadTensor(const Napi::CallbackInfo& info);
// (bytes, dtype, shape, layout, out, flags, token) -> {data, shape}
Napi::Value DecodeTensor(const Napi::CallbackInfo& info);
// (path, offset, byteLength, ggmlType, count, flags, token) / (bytes, ggmlType, count, flags, token) -> {data, shape}
Napi::Value ReadGgml(const Napi::CallbackInfo& info);
Napi::Value DecodeGgml(const Napi::CallbackInfo& info);
Napi::Value Dequantize(const Napi::CallbackInfo& info);    // quant_op.cc
Napi::Value Snapshot(const Napi::CallbackInfo& info);      // (data, rows, cols, precision) -> typed array
Napi::Value Allocate(const Napi::CallbackInfo& info);      // (count, f64) -> uninitialised native typed array
Napi::Value Release(const Napi::CallbackInfo& info);       // (typedArray) -> its block given back now (detached)
Napi::Value ContentDigest(const Napi::CallbackInfo& info); // (bytes, flags, token) -> 32 hex digits (digest_op.cc)
Napi::Value CudaProbe(const Napi::CallbackInfo& info);     // (dirs[]) -> what the CUDA loader found
Napi::Value CudaMemInfo(const Napi::CallbackInfo& info);   // () -> {free, total} bytes of device 0, or null

// Test hooks, compiled in only with WEIGHTSCOPE_TEST_HOOKS (the dev/test build; not the prebuilt binary).
void register_test_hooks(Napi::Env env, Napi::Object exports);
}  // namespace ws::binding
