#include "batch.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "svd.h"

namespace ws {

template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, int threads) {
  const std::size_t mn = std::min(rows, cols), stride = rows * cols;
  Buffer<T> out(count * mn);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex err_mu;
  std::exception_ptr err;
  std::size_t err_index = 0;

  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count || failed.load()) return;
      try {
        Buffer<T> s = svdvals(a + i * stride, rows, cols);
        std::memcpy(out.data() + i * mn, s.data(), mn * sizeof(T));
      } catch (...) {
        std::lock_guard<std::mutex> lk(err_mu);
        if (!err || i < err_index) {
          err = std::current_exception();
          err_index = i;
        }
        failed = true;
      }
    }
  };

  const std::size_t nthreads = std::min<std::size_t>(std::max(threads, 1), count);
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < nthreads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::exception&) {
      break;  // could not start another thread: the ones running (and this one) finish the batch
    }
  }
  worker();
  for (auto& th : pool) th.join();

  if (err) {
    try {
      std::rethrow_exception(err);
    } catch (const CoreError& e) {
      throw for_matrix(e, err_index);
    }
  }
  return out;
}

template Buffer<float> svdvals_batch(const float*, std::size_t, std::size_t, std::size_t, int);
template Buffer<double> svdvals_batch(const double*, std::size_t, std::size_t, std::size_t, int);

}  // namespace ws
