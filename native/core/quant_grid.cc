// Element decoding and the scale-grid kernel (per-tensor, per-axis, per-group and block scales).
#include <cmath>
#include <cstring>
#include <string>

#include "buffer.h"
#include "core_error.h"
#include "quant.h"

namespace ws {
namespace {

std::uint32_t u32_at(const std::uint8_t* p, std::size_t i) {
  std::uint32_t v;
  std::memcpy(&v, p + 4 * i, 4);  // little-endian hosts only (the package builds for x64/arm64)
  return v;
}

float f16_to_float(std::uint16_t h) {
  const std::uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  std::uint32_t bits;
  if (exp == 0) {
    const float v = std::ldexp(static_cast<float>(frac), -24);  // subnormal or zero
    return sign ? -v : v;
  }
  if (exp == 31) bits = sign | 0x7f800000u | (frac << 13);
  else bits = sign | ((exp + 112) << 23) | (frac << 13);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace

float f8e4m3_to_float(std::uint8_t b) {
  // E4M3FN (OCP): bias 7, no infinities, S.1111.111 is NaN
  const int exp = (b >> 3) & 0xf, man = b & 7;
  float v;
  if (exp == 15 && man == 7) v = NAN;
  else if (exp == 0) v = std::ldexp(static_cast<float>(man), -9);
  else v = std::ldexp(static_cast<float>(8 + man), exp - 10);
  return (b & 0x80) ? -v : v;
}

float f8e5m2_to_float(std::uint8_t b) { return f16_to_float(static_cast<std::uint16_t>(b) << 8); }

std::size_t qelem_bytes(QElem e, std::size_t n) {
  switch (e) {
    case QElem::F32: case QElem::I32: {
      std::size_t b;
      if (__builtin_mul_overflow(n, std::size_t{4}, &b)) throw CoreError(ErrorCode::TooLarge, "tensor byte size overflows");
      return b;
    }
    case QElem::F16: case QElem::BF16: case QElem::I16: case QElem::U16: {
      std::size_t b;
      if (__builtin_mul_overflow(n, std::size_t{2}, &b)) throw CoreError(ErrorCode::TooLarge, "tensor byte size overflows");
      return b;
    }
    case QElem::I4: case QElem::U4: return n / 2 + (n & 1);
    default: return n;
  }
}

float qelem_at(const std::uint8_t* p, QElem e, std::size_t i) {
  switch (e) {
    case QElem::F32: {
      float f;
      std::memcpy(&f, p + 4 * i, 4);
      return f;
    }
    case QElem::F16: return f16_to_float(static_cast<std::uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
    case QElem::BF16: {
      const std::uint32_t bits = static_cast<std::uint32_t>(p[2 * i] | (p[2 * i + 1] << 8)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case QElem::I8: return static_cast<float>(static_cast<std::int8_t>(p[i]));
    case QElem::U8: return static_cast<float>(p[i]);
    case QElem::I16: return static_cast<float>(static_cast<std::int16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
    case QElem::U16: return static_cast<float>(p[2 * i] | (p[2 * i + 1] << 8));
    case QElem::I32: return static_cast<float>(static_cast<std::int32_t>(u32_at(p, i)));
    case QElem::F8E4M3: return f8e4m3_to_float(p[i]);
    case QElem::F8E5M2: return f8e5m2_to_float(p[i]);
    case QElem::I4: {
      const int v = (p[i / 2] >> (4 * (i & 1))) & 0xf;
      return static_cast<float>(v >= 8 ? v - 16 : v);
    }
    case QElem::U4: return static_cast<float>((p[i / 2] >> (4 * (i & 1))) & 0xf);
  }
  return NAN;
}

void qelem_decode(const std::uint8_t* p, QElem e, std::size_t n, float* dst) {
  switch (e) {
    case QElem::F32: std::memcpy(dst, p, n * 4); return;
    case QElem::U8: for (std::size_t i = 0; i < n; ++i) dst[i] = p[i]; return;
    case QElem::I8: for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<std::int8_t>(p[i]); return;
    default: for (std::size_t i = 0; i < n; ++i) dst[i] = qelem_at(p, e, i); return;
  }
}

namespace {

// The grid loop with the element decoder inlined (get(i) -> float).
template <typename Get>
void grid_loop(const GridSpec& s, Get get, const float* scale, const float* zp, float* out) {
  const float mul = static_cast<float>(s.mul);
  for (std::size_t i = 0; i < s.rows; ++i) {
    const std::size_t gi = (i / s.br) * s.sc;
    const std::size_t base = i * s.cols;
    for (std::size_t j = 0; j < s.cols; ++j) {
      const std::size_t gk = gi + j / s.bc;
      const float v = (get(base + j) - (zp ? zp[gk] : 0.0f)) * scale[gk] * mul;
      out[s.transpose ? j * s.rows + i : base + j] = v;
    }
  }
}

// FP8 bytes -> float through a 256-entry table.
struct F8Table {
  float t[256];
  explicit F8Table(bool e4m3) {
    for (int b = 0; b < 256; ++b) t[b] = e4m3 ? f8e4m3_to_float(static_cast<std::uint8_t>(b)) : f8e5m2_to_float(static_cast<std::uint8_t>(b));
  }
};

}  // namespace

void dequant_grid(const GridSpec& s, QSpan q, QSpan scale, QSpan zp, float* out) {
  std::size_t n, g;
  if (__builtin_mul_overflow(s.rows, s.cols, &n) || __builtin_mul_overflow(s.sr, s.sc, &g))
    throw CoreError(ErrorCode::TooLarge, "the weight's element count overflows");
  if (s.br == 0 || s.bc == 0 || s.sr == 0 || s.sc == 0 || (s.rows > 0 && (s.rows - 1) / s.br >= s.sr) ||
      (s.cols > 0 && (s.cols - 1) / s.bc >= s.sc))
    throw CoreError(ErrorCode::Format, "the scale grid does not cover the weight");
  if (q.bytes != qelem_bytes(s.q, n))
    throw CoreError(ErrorCode::Format, "quantized weight has " + std::to_string(q.bytes) + " bytes, its shape needs " + std::to_string(qelem_bytes(s.q, n)));
  if (scale.bytes != qelem_bytes(s.scale, g)) throw CoreError(ErrorCode::Format, "scale has " + std::to_string(scale.bytes) + " bytes, the grid needs " + std::to_string(qelem_bytes(s.scale, g)));
  const bool has_zp = s.zp_elem >= 0;
  if (has_zp && (s.zp_elem >= kQElemCount || zp.bytes != qelem_bytes(static_cast<QElem>(s.zp_elem), g)))
    throw CoreError(ErrorCode::Format, "zero point has " + std::to_string(zp.bytes) + " bytes, the grid needs " + std::to_string(g) + " elements");
  Buffer<float> sf(g), zf(has_zp ? g : 0);
  qelem_decode(scale.data, s.scale, g, sf.data());
  if (has_zp) qelem_decode(zp.data, static_cast<QElem>(s.zp_elem), g, zf.data());
  const float* z = has_zp ? zf.data() : nullptr;
  const std::uint8_t* p = q.data;
  switch (s.q) {
    case QElem::I8: return grid_loop(s, [p](std::size_t i) { return static_cast<float>(static_cast<std::int8_t>(p[i])); }, sf.data(), z, out);
    case QElem::U8: return grid_loop(s, [p](std::size_t i) { return static_cast<float>(p[i]); }, sf.data(), z, out);
    case QElem::F8E4M3:
    case QElem::F8E5M2: {
      const F8Table t(s.q == QElem::F8E4M3);
      return grid_loop(s, [p, &t](std::size_t i) { return t.t[p[i]]; }, sf.data(), z, out);
    }
    default: {
      const QElem e = s.q;
      return grid_loop(s, [p, e](std::size_t i) { return qelem_at(p, e, i); }, sf.data(), z, out);
    }
  }
}

}  // namespace ws
