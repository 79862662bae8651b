#include "pool.h"

#include <sys/mman.h>
#include <sys/sysinfo.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "core_error.h"

namespace ws {
namespace {

// Smaller blocks come from malloc every time; these and larger ones are mapped directly, so a freed block
// that is not kept goes back to the system at once (malloc would keep it in a per-thread arena: the
// scheduler's threads free what the JavaScript thread allocated, and RSS crept up with no leak).
constexpr std::size_t kPoolMinBytes = 64 << 10;
// Blocks from this size on are advised for transparent huge pages (try_allocate).
constexpr std::size_t kHugeMinBytes = std::size_t(4) << 20;
constexpr std::size_t kAlign = 64;
constexpr auto kMaxIdle = std::chrono::seconds(30);

using Clock = std::chrono::steady_clock;

struct Cached {
  void* data;
  std::size_t capacity;
  Clock::time_point freed;
};

std::size_t env_limit() {
  struct sysinfo si {};
  std::size_t phys = sysinfo(&si) == 0 ? static_cast<std::size_t>(si.totalram) * si.mem_unit : 0;
  std::size_t limit = std::size_t(128) << 20;
  if (phys && phys / 16 < limit) limit = phys / 16;
  if (const char* v = std::getenv("WEIGHTSCOPE_POOL_MB"); v && *v) {
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(v, &end, 10);
    if (end && *end == '\0') limit = static_cast<std::size_t>(mb) << 20;
  }
  return limit;
}

// RAM + swap: a request beyond it can never be met (and under overcommit would end in the OOM killer).
std::size_t memory_ceiling() {
  struct sysinfo si {};
  if (sysinfo(&si) != 0) return SIZE_MAX;
  const unsigned long long total = (static_cast<unsigned long long>(si.totalram) + si.totalswap) * si.mem_unit;
  return total > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(total);
}

class Pool {
 public:
  Pool() : limit_(env_limit()), ceiling_(memory_ceiling()) {}

  Block* acquire(std::size_t bytes) {
    if (bytes > ceiling_)
      throw CoreError(ErrorCode::TooLarge, "cannot allocate " + std::to_string(bytes) +
                                               " bytes: more than this machine's memory (" +
                                               std::to_string(ceiling_) + " bytes of RAM and swap)");
    void* data = nullptr;
    std::size_t cap = bytes < kPoolMinBytes ? bytes : round_up(bytes);
    if (bytes >= kPoolMinBytes) data = take_cached(bytes, cap);
    if (!data) data = allocate(cap);
    Block* b = new (std::nothrow) Block();
    if (!b) {
      unmap(data, cap);
      throw CoreError(ErrorCode::TooLarge, "out of memory");
    }
    b->data = data;
    b->capacity = cap;
    live_ += static_cast<long long>(cap);
    return b;
  }

  void release(Block* b) {
    live_ -= static_cast<long long>(b->capacity);
    if (b->capacity >= kPoolMinBytes && b->capacity <= limit_) {
      std::lock_guard<std::mutex> lk(mu_);
      free_.push_back({b->data, b->capacity, Clock::now()});
      cached_ += b->capacity;
      evict_locked(Clock::now());
    } else {
      unmap(b->data, b->capacity);
    }
    delete b;
  }

  PoolStats stats() {
    std::lock_guard<std::mutex> lk(mu_);
    return {live_.load(), static_cast<long long>(cached_), static_cast<long long>(limit_), hits_, misses_};
  }

  void trim() {
    std::vector<Cached> all;
    {
      std::lock_guard<std::mutex> lk(mu_);
      all.swap(free_);
      cached_ = 0;
    }
    for (auto& c : all) unmap(c.data, c.capacity);
  }

 private:
  static std::size_t round_up(std::size_t bytes) {
    constexpr std::size_t page = 4096;
    return bytes > SIZE_MAX - page ? bytes : (bytes + page - 1) / page * page;
  }

  static void* try_allocate(std::size_t cap) {
    if (cap < kPoolMinBytes) {
      void* p = nullptr;
      return posix_memalign(&p, kAlign, cap ? cap : 1) == 0 ? p : nullptr;
    }
    void* p = mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
    // Large blocks are written in full (a layer, a widened copy): with transparent huge pages their first
    // touch is one fault per 2 MiB instead of per 4 KiB. On the 2-core VM this project is measured on, a
    // fresh 309 MiB float64 embedding took ~1 s to fault in, ~50 ms with the advice (bench/README.md).
    // Advisory: ignored where THP is off.
    if (cap >= kHugeMinBytes) madvise(p, cap, MADV_HUGEPAGE);
#endif
    return p;
  }

  static void unmap(void* p, std::size_t cap) {
    if (cap < kPoolMinBytes)
      std::free(p);
    else
      munmap(p, cap);
  }

  void* allocate(std::size_t cap) {
    if (void* p = try_allocate(cap)) return p;
    trim();  // the cache may be what stands in the way
    if (void* p = try_allocate(cap)) return p;
    throw CoreError(ErrorCode::TooLarge, "could not allocate " + std::to_string(cap) + " bytes of working memory");
  }

  // Smallest cached block in [bytes, 2 * bytes]; the wasted tail is bounded by the request itself.
  void* take_cached(std::size_t bytes, std::size_t& cap) {
    std::lock_guard<std::mutex> lk(mu_);
    evict_locked(Clock::now());
    std::size_t best = free_.size();
    for (std::size_t i = 0; i < free_.size(); ++i) {
      const std::size_t c = free_[i].capacity;
      if (c >= bytes && c / 2 <= bytes && (best == free_.size() || c < free_[best].capacity)) best = i;
    }
    if (best == free_.size()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    void* p = free_[best].data;
    cap = free_[best].capacity;
    cached_ -= cap;
    free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(best));
    return p;
  }

  // Oldest first: over the byte limit, or idle too long.
  void evict_locked(Clock::time_point now) {
    std::size_t drop = 0;
    while (drop < free_.size() && (cached_ > limit_ || now - free_[drop].freed > kMaxIdle)) {
      cached_ -= free_[drop].capacity;
      unmap(free_[drop].data, free_[drop].capacity);
      ++drop;
    }
    if (drop) free_.erase(free_.begin(), free_.begin() + static_cast<std::ptrdiff_t>(drop));
  }

  const std::size_t limit_, ceiling_;
  std::mutex mu_;
  std::vector<Cached> free_;  // in the order freed
  std::size_t cached_ = 0;
  long long hits_ = 0, misses_ = 0;
  std::atomic<long long> live_{0};
};

// Never destroyed: jobs may still release blocks while the process exits.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

Block* block_acquire(std::size_t bytes) { return pool().acquire(bytes); }

void block_ref(Block* b) { b->refs.fetch_add(1, std::memory_order_relaxed); }

void block_release(Block* b) {
  if (b && b->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) pool().release(b);
}

PoolStats pool_stats() { return pool().stats(); }

void pool_trim() { pool().trim(); }

}  // namespace ws
