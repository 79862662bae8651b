// "s"/"d" + routine, the LAPACK name for the precision of T.
#pragma once
#include <string>

namespace ws {
template <typename T>
std::string routine_name(const char* base) {
  return std::string(sizeof(T) == 4 ? "s" : "d") + base;
}
}  // namespace ws
