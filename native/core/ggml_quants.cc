#include "ggml_quants.h"

#include <cstring>

namespace ws {
namespace {

constexpr std::size_t QK = 32;     // elements per block of the legacy formats
constexpr std::size_t QK_K = 256;  // elements per super-block of the K-quants

// IEEE half -> single, exact (the scales are finite halves; Inf/NaN map to Inf/NaN as in numpy).
inline float f16(const std::uint8_t* p) {
  const std::uint32_t h = static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8);
  const std::uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu, bits;
  if (exp == 0x1f) bits = sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0);
  else if (exp != 0) bits = sign | ((exp + 112) << 23) | (mant << 13);
  else if (mant == 0) bits = sign;
  else {
    std::uint32_t e = 113;
    while (!(mant & 0x400u)) mant <<= 1, --e;
    bits = sign | (e << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Q8_0: d (f16), 32 × int8. x = q·d
void q8_0(const std::uint8_t* b, float* y) {
  const float d = f16(b);
  const auto* q = reinterpret_cast<const std::int8_t*>(b + 2);
  for (std::size_t l = 0; l < QK; ++l) y[l] = static_cast<float>(q[l]) * d;
}

// Q4_0: d, 16 bytes of nibbles (low nibbles = elements 0..15, high = 16..31). x = d·(q − 8)
void q4_0(const std::uint8_t* b, float* y) {
  const float d = f16(b);
  const std::uint8_t* q = b + 2;
  for (std::size_t l = 0; l < 16; ++l) {
    y[l] = d * static_cast<float>((q[l] & 0xF) - 8);
    y[l + 16] = d * static_cast<float>((q[l] >> 4) - 8);
  }
}

// Q4_1: d, m, 16 bytes of nibbles. x = d·q + m
void q4_1(const std::uint8_t* b, float* y) {
  const float d = f16(b), m = f16(b + 2);
  const std::uint8_t* q = b + 4;
  for (std::size_t l = 0; l < 16; ++l) {
    y[l] = d * static_cast<float>(q[l] & 0xF) + m;
    y[l + 16] = d * static_cast<float>(q[l] >> 4) + m;
  }
}

inline std::uint32_t u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Q5_0: d, qh (u32: bit j = 5th bit of element j), 16 bytes of nibbles. x = d·(q − 16)
void q5_0(const std::uint8_t* b, float* y) {
  const float d = f16(b);
  const std::uint32_t qh = u32(b + 2);
  const std::uint8_t* q = b + 6;
  for (std::size_t l = 0; l < 16; ++l) {
    const int lo = (q[l] & 0xF) | static_cast<int>(((qh >> l) & 1u) << 4);
    const int hi = (q[l] >> 4) | static_cast<int>(((qh >> (l + 16)) & 1u) << 4);
    y[l] = d * static_cast<float>(lo - 16);
    y[l + 16] = d * static_cast<float>(hi - 16);
  }
}

// Q5_1: d, m, qh, 16 bytes of nibbles. x = d·q + m
void q5_1(const std::uint8_t* b, float* y) {
  const float d = f16(b), m = f16(b + 2);
  const std::uint32_t qh = u32(b + 4);
  const std::uint8_t* q = b + 8;
  for (std::size_t l = 0; l < 16; ++l) {
    const int lo = (q[l] & 0xF) | static_cast<int>(((qh >> l) & 1u) << 4);
    const int hi = (q[l] >> 4) | static_cast<int>(((qh >> (l + 16)) & 1u) << 4);
    y[l] = d * static_cast<float>(lo) + m;
    y[l + 16] = d * static_cast<float>(hi) + m;
  }
}

// Q2_K: scales[16] (low nibble: scale, high: min, per 16 elements), qs[64] (2-bit, four planes per 32 bytes),
// d, dmin. x = (d·sc)·q − (dmin·mn)
void q2_k(const std::uint8_t* b, float* y) {
  const std::uint8_t* sc = b;
  const std::uint8_t* qs = b + 16;
  const float d = f16(b + 80), dmin = f16(b + 82);
  for (std::size_t half = 0; half < 2; ++half) {
    const std::uint8_t* q = qs + 32 * half;
    for (int plane = 0; plane < 4; ++plane) {
      const int shift = 2 * plane;
      for (std::size_t part = 0; part < 2; ++part) {
        const std::size_t s = half * 8 + plane * 2 + part;  // 16-element group
        const float dl = d * static_cast<float>(sc[s] & 0xF), ml = dmin * static_cast<float>(sc[s] >> 4);
        float* o = y + 16 * s;
        const std::uint8_t* qq = q + 16 * part;
        for (std::size_t l = 0; l < 16; ++l) o[l] = dl * static_cast<float>((qq[l] >> shift) & 3) - ml;
      }
    }
  }
}

// Q3_K: hmask[32] (the 3rd bit, one bit plane per 32 elements), qs[64] (2-bit planes), scales[12] (16 × 6-bit,
// offset 32), d. x = (d·(sc − 32))·(q − (hbit ? 0 : 4))
void q3_k(const std::uint8_t* b, float* y) {
  const std::uint8_t* hm = b;
  const std::uint8_t* qs = b + 32;
  const std::uint8_t* ps = b + 96;
  const float d = f16(b + 108);
  float dl[16];
  for (int s = 0; s < 16; ++s) {
    const int lo = (ps[s % 8] >> (4 * (s / 8))) & 0xF;   // bytes 0..7: low nibbles then high nibbles
    const int hi = (ps[8 + s % 4] >> (2 * (s / 4))) & 3;  // bytes 8..11: 2-bit planes
    dl[s] = d * static_cast<float>(static_cast<std::int8_t>(lo | (hi << 4)) - 32);
  }
  for (std::size_t e0 = 0; e0 < QK_K; e0 += 16) {
    const std::size_t s = e0 / 16, plane = (e0 / 32) % 4, half = e0 / 128, hbit = e0 / 32;
    const std::uint8_t* q = qs + 32 * half + (e0 % 32);
    const std::uint8_t* h = hm + (e0 % 32);
    for (std::size_t l = 0; l < 16; ++l) {
      const int v = ((q[l] >> (2 * plane)) & 3) - (((h[l] >> hbit) & 1) ? 0 : 4);
      y[e0 + l] = dl[s] * static_cast<float>(v);
    }
  }
}

// The 8 (scale, min) pairs of Q4_K/Q5_K: 6 bits each, packed in 12 bytes.
inline void scale_min_k4(const std::uint8_t* q, int j, int& sc, int& m) {
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// Q4_K: d, dmin, scales[12], qs[128] (per 64 elements: 32 bytes, low nibbles then high). x = (d·sc)·q − dmin·m
void q4_k(const std::uint8_t* b, float* y) {
  const float d = f16(b), dmin = f16(b + 2);
  const std::uint8_t* scales = b + 4;
  const std::uint8_t* qs = b + 16;
  for (int j = 0; j < 8; ++j) {
    int sc, m;
    scale_min_k4(scales, j, sc, m);
    const float dl = d * static_cast<float>(sc), ml = dmin * static_cast<float>(m);
    const std::uint8_t* q = qs + 32 * (j / 2);
    const int shift = 4 * (j % 2);
    float* o = y + 32 * j;
    for (std::size_t l = 0; l < 32; ++l) o[l] = dl * static_cast<float>((q[l] >> shift) & 0xF) - ml;
  }
}

// Q5_K: d, dmin, scales[12], qh[32] (bit j = 5th bit of sub-block j), qs[128].
void q5_k(const std::uint8_t* b, float* y) {
  const float d = f16(b), dmin = f16(b + 2);
  const std::uint8_t* scales = b + 4;
  const std::uint8_t* qh = b + 16;
  const std::uint8_t* qs = b + 48;
  for (int j = 0; j < 8; ++j) {
    int sc, m;
    scale_min_k4(scales, j, sc, m);
    const float dl = d * static_cast<float>(sc), ml = dmin * static_cast<float>(m);
    const std::uint8_t* q = qs + 32 * (j / 2);
    const int shift = 4 * (j % 2);
    float* o = y + 32 * j;
    for (std::size_t l = 0; l < 32; ++l) {
      const int v = ((q[l] >> shift) & 0xF) | (((qh[l] >> j) & 1) << 4);
      o[l] = dl * static_cast<float>(v) - ml;
    }
  }
}

// Q6_K: ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] (int8, per 16 elements), d.
// x = (d·sc)·(q − 32)
void q6_k(const std::uint8_t* b, float* y) {
  const std::uint8_t* ql = b;
  const std::uint8_t* qh = b + 128;
  const auto* sc = reinterpret_cast<const std::int8_t*>(b + 192);
  const float d = f16(b + 208);
  for (std::size_t e0 = 0; e0 < QK_K; e0 += 16) {
    const std::size_t half = e0 / 128, r = e0 % 128;  // within a half: ql index r % 64, nibble r / 64
    const std::uint8_t* lo = ql + 64 * half + (r % 64);
    const std::uint8_t* hi = qh + 32 * half + (r % 32);
    const int lshift = 4 * static_cast<int>(r / 64), hshift = 2 * static_cast<int>(r / 32);
    const float dl = d * static_cast<float>(sc[e0 / 16]);
    for (std::size_t l = 0; l < 16; ++l) {
      const int v = (((lo[l] >> lshift) & 0xF) | (((hi[l] >> hshift) & 3) << 4)) - 32;
      y[e0 + l] = dl * static_cast<float>(v);
    }
  }
}

// Q8_K: d (f32), 256 × int8, 16 × int16 block sums (not needed to dequantize). x = d·q
void q8_k(const std::uint8_t* b, float* y) {
  float d;
  std::memcpy(&d, b, 4);
  const auto* q = reinterpret_cast<const std::int8_t*>(b + 4);
  for (std::size_t l = 0; l < QK_K; ++l) y[l] = d * static_cast<float>(q[l]);
}

using Kernel = void (*)(const std::uint8_t*, float*);

struct Entry {
  GgmlBlock block;
  Kernel kernel;
};

Entry entry(int type) {
  switch (static_cast<GgmlType>(type)) {
    case GgmlType::Q4_0: return {{QK, 18}, q4_0};
    case GgmlType::Q4_1: return {{QK, 20}, q4_1};
    case GgmlType::Q5_0: return {{QK, 22}, q5_0};
    case GgmlType::Q5_1: return {{QK, 24}, q5_1};
    case GgmlType::Q8_0: return {{QK, 34}, q8_0};
    case GgmlType::Q2_K: return {{QK_K, 84}, q2_k};
    case GgmlType::Q3_K: return {{QK_K, 110}, q3_k};
    case GgmlType::Q4_K: return {{QK_K, 144}, q4_k};
    case GgmlType::Q5_K: return {{QK_K, 176}, q5_k};
    case GgmlType::Q6_K: return {{QK_K, 210}, q6_k};
    case GgmlType::Q8_K: return {{QK_K, 292}, q8_k};
  }
  return {{0, 0}, nullptr};
}

}  // namespace

GgmlBlock ggml_block(int type) { return entry(type).block; }

void ggml_dequantize(int type, const std::uint8_t* src, std::size_t nblocks, float* out) {
  const Entry e = entry(type);
  if (!e.kernel) return;
  for (std::size_t i = 0; i < nblocks; ++i) e.kernel(src + i * e.block.bytes, out + i * e.block.elems);
}

}  // namespace ws
