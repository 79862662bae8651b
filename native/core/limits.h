// Size checks done before any allocation: LAPACK here uses 32-bit integers (LP64 OpenBLAS),
// and JavaScript typed arrays have a maximum length.
#pragma once
#include <climits>
#include <cstdint>
#include <string>
#include "core_error.h"
#include "lapack_api.h"

namespace ws {

// Largest typed array V8 hands out on 64-bit (2^32 - 1 elements since Node 14 for our purposes);
// an output that could not be returned to JavaScript is refused up front.
constexpr std::uint64_t kMaxOutputElements = (1ull << 32) - 1;

inline void check_dim(std::uint64_t v, const char* what) {
  if (v > static_cast<std::uint64_t>(INT_MAX))
    throw CoreError(ErrorCode::TooLarge, std::string(what) + " = " + std::to_string(v) +
                                             " exceeds LAPACK's 32-bit integer limit (2147483647)");
}

inline void check_output(std::uint64_t elements, const char* what) {
  if (elements > kMaxOutputElements)
    throw CoreError(ErrorCode::TooLarge, std::string(what) + " would have " + std::to_string(elements) +
                                             " elements, more than a typed array can hold");
}

// LAPACK reports workspace sizes as a floating-point number in WORK(1); it must fit LWORK.
inline lapack_int workspace_size(double query, const char* routine) {
  if (!(query <= static_cast<double>(INT_MAX)))
    throw CoreError(ErrorCode::TooLarge, std::string(routine) + " needs a workspace of " +
                                             std::to_string(static_cast<long long>(query)) +
                                             " elements, past LAPACK's 32-bit integer limit",
                    routine);
  lapack_int w = static_cast<lapack_int>(query);
  return w < 1 ? 1 : w;
}

}  // namespace ws
