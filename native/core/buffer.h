// Owned numeric buffers over pool blocks (pool.h): live bytes are counted there, so leak tests can read
// how much native memory the core holds (nativeStats().liveBytes), and allocation failure is E_TOO_LARGE.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core_error.h"
#include "pool.h"

namespace ws {

// Bytes held by blocks in use (not counting the pool's free cache).
inline long long live_bytes() { return pool_stats().live_bytes; }

template <typename T>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t n) { allocate(n); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : block_(o.block_), n_(o.n_) { o.block_ = nullptr; o.n_ = 0; }
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      release();
      block_ = o.block_;
      n_ = o.n_;
      o.block_ = nullptr;
      o.n_ = 0;
    }
    return *this;
  }
  ~Buffer() { release(); }

  void allocate(std::size_t n) {
    release();
    if (n == 0) return;
    if (n > SIZE_MAX / sizeof(T)) throw CoreError(ErrorCode::TooLarge, "allocation size overflows");
    block_ = block_acquire(n * sizeof(T));
    n_ = n;
  }
  // Hands the block (and its reference) to a new owner, e.g. an external ArrayBuffer.
  Block* release_block() {
    Block* b = block_;
    block_ = nullptr;
    n_ = 0;
    return b;
  }
  T* data() { return block_ ? static_cast<T*>(block_->data) : nullptr; }
  const T* data() const { return block_ ? static_cast<const T*>(block_->data) : nullptr; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }

 private:
  void release() {
    block_release(block_);
    block_ = nullptr;
    n_ = 0;
  }
  Block* block_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace ws
