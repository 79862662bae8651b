#include "buffer.h"

namespace ws {
std::atomic<long long>& live_bytes() {
  static std::atomic<long long> bytes{0};
  return bytes;
}
}  // namespace ws
