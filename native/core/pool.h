// Native memory for inputs, outputs and LAPACK workspaces: reference-counted blocks from a bounded pool
// of warm allocations.
//
// Why a pool: a large malloc is a fresh mmap, so the first write to every page faults (a 32 MB input
// snapshot cost ~95 ms, almost all page faults, on the caller's thread). Freed blocks of 64 KiB and up
// are kept and handed out again for requests of the same size or up to twice smaller, so repeated calls
// of one shape copy into pages that are already mapped.
//
// How it is bounded: at most limit() bytes of free blocks are kept (default 128 MiB, or 1/16 of physical
// memory when that is less; WEIGHTSCOPE_POOL_MB overrides, 0 disables); the least recently freed are
// returned to the system first, and a block left unused for 30 s is returned at the next pool operation.
// A request larger than physical memory plus swap is refused (E_TOO_LARGE) without trying.
//
// A Block has one owner count per holder (a Buffer, a JavaScript ArrayBuffer, a running job that reads
// it); the last release gives it back to the pool. Thread-safe.
#pragma once
#include <atomic>
#include <cstddef>

namespace ws {

struct Block {
  void* data = nullptr;
  std::size_t capacity = 0;  // bytes allocated (>= the bytes asked for)
  std::atomic<int> refs{1};
};

// A block of at least `bytes` (> 0), refs = 1. Throws CoreError(TooLarge) when it cannot be had.
Block* block_acquire(std::size_t bytes);
void block_ref(Block* b);
void block_release(Block* b);  // nullptr is ignored

struct PoolStats {
  long long live_bytes;    // held by blocks in use (capacity)
  long long cached_bytes;  // free blocks kept warm
  long long limit_bytes;
  long long hits, misses;
};
PoolStats pool_stats();

// Returns every cached block to the system (tests; and before retrying a failed allocation).
void pool_trim();

}  // namespace ws
