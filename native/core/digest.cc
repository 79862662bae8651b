#include "digest.h"

#include <cstring>

namespace ws {
namespace {

constexpr std::uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL, P3 = 0x165667B19E3779F9ULL,
                        P4 = 0x85EBCA77C2B2AE63ULL, P5 = 0x27D4EB2F165667C5ULL;

inline std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);  // unaligned-safe; little-endian hosts only (as the rest of the readers)
  return v;
}
inline std::uint64_t round(std::uint64_t acc, std::uint64_t in) { return rotl(acc + in * P2, 31) * P1; }
inline std::uint64_t merge(std::uint64_t h, std::uint64_t v) { return (h ^ round(0, v)) * P1 + P4; }

// One XXH64 stream (Collet's xxHash spec, checked against the reference in test/75-digest); `seed` makes the
// two streams independent.
struct Stream {
  std::uint64_t v[4];
  explicit Stream(std::uint64_t seed) : v{seed + P1 + P2, seed + P2, seed, seed - P1} {}
  void stripe(const std::uint8_t* p) {
    for (int k = 0; k < 4; ++k) v[k] = round(v[k], load64(p + 8 * k));
  }
  std::uint64_t finish(const std::uint8_t* tail, std::size_t rest, std::size_t total, bool striped, std::uint64_t seed) const {
    std::uint64_t h = striped ? rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18) : seed + P5;
    if (striped)
      for (int k = 0; k < 4; ++k) h = merge(h, v[k]);
    h += static_cast<std::uint64_t>(total);
    for (; rest >= 8; rest -= 8, tail += 8) h = rotl(h ^ round(0, load64(tail)), 27) * P1 + P4;
    if (rest >= 4) {
      std::uint32_t w;
      std::memcpy(&w, tail, 4);
      h = rotl(h ^ (static_cast<std::uint64_t>(w) * P1), 23) * P2 + P3;
      rest -= 4;
      tail += 4;
    }
    for (; rest > 0; --rest, ++tail) h = rotl(h ^ (static_cast<std::uint64_t>(*tail) * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
  }
};

constexpr std::uint64_t SEED_A = 0, SEED_B = 0x5753'6465'6475'7065ULL;  // "WSdedupe"

}  // namespace

std::array<std::uint64_t, 2> content_digest(const std::uint8_t* data, std::size_t n) {
  Stream a(SEED_A), b(SEED_B);
  std::size_t at = 0;
  for (; at + 32 <= n; at += 32) {
    a.stripe(data + at);
    b.stripe(data + at);
  }
  const bool striped = n >= 32;
  return {a.finish(data + at, n - at, n, striped, SEED_A), b.finish(data + at, n - at, n, striped, SEED_B)};
}

}  // namespace ws
