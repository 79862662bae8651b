// Owned numeric buffers with live-byte accounting, so leak tests can read how much native
// memory the core holds (stats().liveBytes) and allocation failure becomes E_TOO_LARGE.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include "core_error.h"

namespace ws {

std::atomic<long long>& live_bytes();

template <typename T>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t n) { allocate(n); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : ptr_(o.ptr_), n_(o.n_) { o.ptr_ = nullptr; o.n_ = 0; }
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) { release(); ptr_ = o.ptr_; n_ = o.n_; o.ptr_ = nullptr; o.n_ = 0; }
    return *this;
  }
  ~Buffer() { release(); }

  void allocate(std::size_t n) {
    release();
    if (n == 0) return;
    if (n > SIZE_MAX / sizeof(T)) throw CoreError(ErrorCode::TooLarge, "allocation size overflows");
    void* p = std::malloc(n * sizeof(T));
    if (!p)
      throw CoreError(ErrorCode::TooLarge,
                      "could not allocate " + std::to_string(n * sizeof(T)) + " bytes of working memory");
    ptr_ = static_cast<T*>(p);
    n_ = n;
    live_bytes() += static_cast<long long>(n * sizeof(T));
  }
  // Hand the memory to a new owner (an external ArrayBuffer); the owner must call release_raw().
  T* detach() {
    T* p = ptr_;
    ptr_ = nullptr;
    n_ = 0;
    return p;
  }
  static void release_raw(void* p, std::size_t bytes) {
    if (!p) return;
    std::free(p);
    live_bytes() -= static_cast<long long>(bytes);
  }
  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return ptr_[i]; }
  const T& operator[](std::size_t i) const { return ptr_[i]; }

 private:
  void release() {
    if (ptr_) {
      std::free(ptr_);
      live_bytes() -= static_cast<long long>(n_ * sizeof(T));
    }
    ptr_ = nullptr;
    n_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace ws
