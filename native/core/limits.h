// Size checks done before any allocation: LAPACK here uses 32-bit integers (LP64 OpenBLAS),
// and JavaScript typed arrays have a maximum length.
#pragma once
#include <climits>
#include <cstdint>
#include <string>
#include "core_error.h"

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

}  // namespace ws
