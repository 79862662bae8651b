#include "batch.h"

#include <algorithm>
#include <cstring>

#include "finite.h"
#include "preconditions.h"
#include "svd.h"

namespace ws {

template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, RunContext& ctx) {
  check_batch(count, rows, cols);
  const std::size_t mn = std::min(rows, cols), stride = rows * cols;
  // Scanned in order first, so a NaN is reported for the first matrix that has one.
  for (std::size_t i = 0; i < count; ++i) {
    try {
      require_finite_input(a + i * stride, rows, cols);
    } catch (const CoreError& e) {
      throw for_matrix(e, i);
    }
  }
  Buffer<T> out(count * mn);
  ctx.parallel_for(count, [&](std::size_t i) {
    try {
      Buffer<T> s = svdvals(a + i * stride, rows, cols);
      std::memcpy(out.data() + i * mn, s.data(), mn * sizeof(T));
    } catch (const CoreError& e) {
      throw for_matrix(e, i);  // the first failure stops the others
    }
  });
  return out;
}

template Buffer<float> svdvals_batch(const float*, std::size_t, std::size_t, std::size_t, RunContext&);
template Buffer<double> svdvals_batch(const double*, std::size_t, std::size_t, std::size_t, RunContext&);

}  // namespace ws
