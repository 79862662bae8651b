// Typed arrays over native blocks (core/pool.h), in both directions:
//   - results (and snapshots, decoded tensors) are handed to JavaScript without a copy, as external
//     ArrayBuffers that own one reference to their block;
//   - such an array passed back in with the adopt flag is recognised (a registry keyed by the block's
//     address) and read in place: the job takes its own reference, so the memory outlives the job even
//     if the JavaScript side lets go of it, detaches it, or its worker is terminated.
// Arrays whose memory V8 allocated are never borrowed by an async job (a transfer would free it under
// the job): they are copied.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "../core/buffer.h"
#include "../core/pool.h"

namespace ws::binding {

// Wraps the buffer's block as a Float32Array/Float64Array (T = float/double) or Uint8Array, no copy.
template <typename T>
Napi::TypedArray to_typed_array(Napi::Env env, Buffer<T>&& buf);

// The block behind `ab` if weightscope created it, with one more reference for the caller; else nullptr.
Block* adopt_block(Napi::Env env, napi_value ab);

// Detaches `ab` (one of ours) and gives its block back now, rather than when V8 collects it: analyze()
// drops each layer this way, so the next layer's buffer comes from the pool with its pages mapped. False
// (nothing done) when `ab` is not an ArrayBuffer weightscope made, or was already released.
bool release_now(Napi::Env env, napi_value ab);

// A Uint8Array argument of a decode call (decodeTensor, decodeGgml), as passed.
struct BytesArg {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  napi_value buffer = nullptr;  // its ArrayBuffer
  bool is_ab = false;           // false for a SharedArrayBuffer
};

// E_DTYPE when `v` is not a Uint8Array, E_DETACHED when its ArrayBuffer is detached (`fn` names the call).
BytesArg bytes_arg(Napi::Env env, Napi::Value v, const char* fn);

// The bytes the job reads, by the rules of matrix_arg.h: an async call reads an adopted native block in
// place, or else a copy; so does any call on a SharedArrayBuffer (another thread may write it); a sync
// call reads the caller's bytes. The block is put in *hold (nullptr when none): the job releases it.
const std::uint8_t* job_bytes(Napi::Env env, const BytesArg& b, bool async, bool adopt, Block** hold);

}  // namespace ws::binding
