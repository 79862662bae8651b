#include "decode.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "core_error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WS_X86 1
#endif

namespace ws {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "stored tensors are little-endian; so must the host be");

std::atomic<bool> g_force_portable{false};

bool cpu_has_f16c() {
#ifdef WS_X86
  static const bool has = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx");
  return has;
#else
  return false;
#endif
}

// IEEE half -> single, bit for bit what VCVTPH2PS produces.
inline std::uint32_t half_to_float_bits(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) return sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0);  // Inf; NaN made quiet
  if (exp != 0) return sign | ((exp + 112) << 23) | (mant << 13);
  if (mant == 0) return sign;
  // subnormal half: normalise (the value is exactly representable as a normal float)
  std::uint32_t e = 113;
  while (!(mant & 0x400u)) {
    mant <<= 1;
    --e;
  }
  return sign | (e << 23) | ((mant & 0x3ffu) << 13);
}

inline float bits_to_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline std::uint16_t load16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

void half_to_float_portable(const std::uint8_t* src, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = bits_to_float(half_to_float_bits(load16(src + 2 * i)));
}

#ifdef WS_X86
__attribute__((target("f16c,avx"))) void half_to_float_f16c(const std::uint8_t* src, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i))));
  half_to_float_portable(src + 2 * i, out + i, n - i);
}
#endif

void half_to_float(const std::uint8_t* src, float* out, std::size_t n) {
#ifdef WS_X86
  if (f16c_in_use()) return half_to_float_f16c(src, out, n);
#endif
  half_to_float_portable(src, out, n);
}

void bf16_to_float(const std::uint8_t* src, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = bits_to_float(static_cast<std::uint32_t>(load16(src + 2 * i)) << 16);
}

// n contiguous stored elements -> Out.
template <typename Out>
void decode_run(const std::uint8_t* src, StoredDtype d, std::size_t n, Out* out) {
  if (d == StoredDtype::F16 || d == StoredDtype::BF16) {
    if constexpr (sizeof(Out) == 4) {
      (d == StoredDtype::F16 ? half_to_float : bf16_to_float)(src, out, n);
    } else {
      float tmp[1024];
      for (std::size_t i = 0; i < n; i += 1024) {
        const std::size_t c = std::min<std::size_t>(1024, n - i);
        (d == StoredDtype::F16 ? half_to_float : bf16_to_float)(src + 2 * i, tmp, c);
        for (std::size_t j = 0; j < c; ++j) out[i + j] = tmp[j];
      }
    }
    return;
  }
  const bool stored_f32 = d == StoredDtype::F32;
  if (stored_f32 == (sizeof(Out) == 4)) {
    std::memcpy(out, src, n * sizeof(Out));
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (stored_f32) {
      float v;
      std::memcpy(&v, src + 4 * i, 4);
      out[i] = static_cast<Out>(v);
    } else {
      double v;
      std::memcpy(&v, src + 8 * i, 8);
      out[i] = static_cast<Out>(v);
    }
  }
}

std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

}  // namespace

std::size_t stored_bytes(StoredDtype d) { return d == StoredDtype::F64 ? 8 : d == StoredDtype::F32 ? 4 : 2; }

bool f16c_in_use() { return cpu_has_f16c() && !g_force_portable.load(); }
void force_portable_f16(bool on) { g_force_portable = on; }

std::vector<std::size_t> transformed_shape(const std::vector<std::size_t>& shape, Layout layout) {
  if (layout == Layout::AsStored) return shape;
  const std::size_t want = layout == Layout::Transpose2d ? 2 : 4;
  if (shape.size() != want)
    throw CoreError(ErrorCode::Shape, std::string(layout == Layout::Transpose2d ? "a 2-D transpose" : "swapping axes 0 and 1") +
                                          " needs a " + std::to_string(want) + "-D tensor, got " +
                                          std::to_string(shape.size()) + "-D");
  std::vector<std::size_t> out = shape;
  std::swap(out[0], out[1]);
  return out;
}

template <typename Out>
void decode_tensor(const std::uint8_t* src, StoredDtype d, const std::vector<std::size_t>& shape, Layout layout,
                   Out* out) {
  const std::size_t sz = stored_bytes(d);
  if (layout == Layout::AsStored) return decode_run(src, d, product(shape), out);
  transformed_shape(shape, layout);  // rank check
  const std::size_t a = shape[0], b = shape[1];
  if (layout == Layout::Swap01) {
    const std::size_t e = shape[2] * shape[3];
    for (std::size_t i = 0; i < a; ++i)
      for (std::size_t j = 0; j < b; ++j) decode_run(src + (i * b + j) * e * sz, d, e, out + (j * a + i) * e);
    return;
  }
  // [a, b] -> [b, a]: decode a strip of rows, then write it into the strip's columns of the output.
  constexpr std::size_t kStrip = 64;
  std::vector<Out> tmp(std::min(a, kStrip) * b);
  for (std::size_t i0 = 0; i0 < a; i0 += kStrip) {
    const std::size_t r = std::min(kStrip, a - i0);
    decode_run(src + i0 * b * sz, d, r * b, tmp.data());
    for (std::size_t j = 0; j < b; ++j)
      for (std::size_t i = 0; i < r; ++i) out[j * a + i0 + i] = tmp[i * b + j];
  }
}

template void decode_tensor(const std::uint8_t*, StoredDtype, const std::vector<std::size_t>&, Layout, float*);
template void decode_tensor(const std::uint8_t*, StoredDtype, const std::vector<std::size_t>&, Layout, double*);

}  // namespace ws
