// Packed low-bit kernels: GPTQ, AWQ, compressed-tensors pack-quantized, ONNX MatMulNBits, bitsandbytes 4-bit.
// Layouts: see quant.h and src/model/quant/safetensors.ts (written from the official packers).
#include <cstring>
#include <string>
#include <vector>

#include "buffer.h"
#include "core_error.h"
#include "quant.h"

namespace ws {
namespace {

std::uint32_t word(const std::uint8_t* p, std::size_t i) {
  std::uint32_t v;
  std::memcpy(&v, p + 4 * i, 4);
  return v;
}

std::size_t mul(std::size_t a, std::size_t b) {
  std::size_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw CoreError(ErrorCode::TooLarge, "the weight's size overflows");
  return r;
}

void expect(const QSpan& s, std::size_t bytes, const char* what) {
  if (s.bytes != bytes)
    throw CoreError(ErrorCode::Format, std::string(what) + " has " + std::to_string(s.bytes) + " bytes, the layout needs " + std::to_string(bytes));
}

void check_bits(std::size_t bits) {
  if (bits != 2 && bits != 4 && bits != 8) throw CoreError(ErrorCode::Format, "bits must be 2, 4 or 8, got " + std::to_string(bits));
}

// The group of each input column: g_idx (range-checked) or k / group size.
std::size_t group_of(const QSpan& g_idx, bool has, std::size_t k, std::size_t gsize, std::size_t groups) {
  if (!has) return k / gsize;
  const auto g = static_cast<std::int32_t>(word(g_idx.data, k));
  if (g < 0 || static_cast<std::size_t>(g) >= groups)
    throw CoreError(ErrorCode::Format, "g_idx[" + std::to_string(k) + "] = " + std::to_string(g) + " is outside [0, " + std::to_string(groups) + ")");
  return static_cast<std::size_t>(g);
}

}  // namespace

void dequant_gptq(const GptqSpec& s, QSpan qweight, QSpan qzeros, QSpan scales, QSpan g_idx, float* out) {
  check_bits(s.bits);
  const std::size_t per = 32 / s.bits, mask = (1u << s.bits) - 1;
  if (s.cols % per || s.rows % per || s.groups == 0 || (!s.g_idx && s.cols % s.groups))
    throw CoreError(ErrorCode::Format, "GPTQ: the shape does not fit the packing");
  expect(qweight, mul(mul(s.cols / per, s.rows), 4), "qweight");
  expect(qzeros, mul(mul(s.groups, s.rows / per), 4), "qzeros");
  expect(scales, qelem_bytes(s.scale, mul(s.groups, s.rows)), "scales");
  if (s.g_idx) expect(g_idx, mul(s.cols, 4), "g_idx");
  const std::size_t gsize = s.g_idx ? 1 : s.cols / s.groups;
  // scales and zero points decoded once: (groups, rows) floats each
  const std::size_t gr = mul(s.groups, s.rows);
  Buffer<float> sf(gr), zf(gr);
  qelem_decode(scales.data, s.scale, gr, sf.data());
  for (std::size_t g = 0; g < s.groups; ++g)
    for (std::size_t j = 0; j < s.rows; ++j) {
      const std::uint32_t zw = word(qzeros.data, g * (s.rows / per) + j / per);
      // v1 checkpoints store zero − 1 (wrapping in `bits`): add it back, as the GPTQ kernels do
      zf[g * s.rows + j] = static_cast<float>((((zw >> (s.bits * (j % per))) & mask) + static_cast<std::uint32_t>(s.zero_offset)) & mask);
    }
  std::vector<std::size_t> group(s.cols);
  for (std::size_t k = 0; k < s.cols; ++k) group[k] = group_of(g_idx, s.g_idx, k, gsize, s.groups);
  // one packed word holds `per` consecutive input columns of one output row: read qweight in order
  for (std::size_t kw = 0; kw < s.cols / per; ++kw) {
    for (std::size_t j = 0; j < s.rows; ++j) {
      const std::uint32_t w = word(qweight.data, kw * s.rows + j);
      float* o = out + j * s.cols + kw * per;
      for (std::size_t t = 0; t < per; ++t) {
        const std::size_t gj = group[kw * per + t] * s.rows + j;
        o[t] = (static_cast<float>((w >> (s.bits * t)) & mask) - zf[gj]) * sf[gj];
      }
    }
  }
}

void dequant_awq(const AwqSpec& s, QSpan qweight, QSpan qzeros, QSpan scales, float* out) {
  static const unsigned kNibble[8] = {0, 4, 1, 5, 2, 6, 3, 7};  // column r of 8 sits in nibble kNibble[r]
  if (s.rows % 8 || s.groups == 0 || s.cols % s.groups) throw CoreError(ErrorCode::Format, "AWQ: the shape does not fit the packing");
  const std::size_t pc = s.rows / 8;
  expect(qweight, mul(mul(s.cols, pc), 4), "qweight");
  expect(qzeros, mul(mul(s.groups, pc), 4), "qzeros");
  expect(scales, qelem_bytes(s.scale, mul(s.groups, s.rows)), "scales");
  const std::size_t gsize = s.cols / s.groups;
  for (std::size_t k = 0; k < s.cols; ++k) {
    const std::size_t g = k / gsize;
    for (std::size_t j = 0; j < s.rows; ++j) {
      const unsigned shift = 4 * kNibble[j % 8];
      const float q = static_cast<float>((word(qweight.data, k * pc + j / 8) >> shift) & 0xf);
      const float z = static_cast<float>((word(qzeros.data, g * pc + j / 8) >> shift) & 0xf);
      out[j * s.cols + k] = (q - z) * qelem_at(scales.data, s.scale, g * s.rows + j);
    }
  }
}

void dequant_ct_pack(const CtPackSpec& s, QSpan packed, QSpan scale, QSpan zp, QSpan g_idx, float* out) {
  if (s.bits != 4 && s.bits != 8) throw CoreError(ErrorCode::Format, "pack-quantized: bits must be 4 or 8");
  const std::size_t per = 32 / s.bits, mask = (1u << s.bits) - 1, wpr = (s.cols + per - 1) / per;
  const float offset = static_cast<float>(1u << (s.bits - 1));
  if (s.groups == 0 || s.groups > s.cols) throw CoreError(ErrorCode::Format, "pack-quantized: bad group count");
  const std::size_t gsize = s.group_size;
  if (!s.g_idx && (gsize == 0 || (s.cols - 1) / gsize >= s.groups)) throw CoreError(ErrorCode::Format, "pack-quantized: groups do not cover the columns");
  expect(packed, mul(mul(s.rows, wpr), 4), "weight_packed");
  expect(scale, qelem_bytes(s.scale, mul(s.rows, s.groups)), "weight_scale");
  if (s.zp) expect(zp, mul(mul((s.rows + per - 1) / per, s.groups), 4), "weight_zero_point");
  if (s.g_idx) expect(g_idx, mul(s.cols, 4), "weight_g_idx");
  for (std::size_t i = 0; i < s.rows; ++i) {
    for (std::size_t k = 0; k < s.cols; ++k) {
      const std::size_t g = group_of(g_idx, s.g_idx, k, gsize, s.groups);
      const float q = static_cast<float>((word(packed.data, i * wpr + k / per) >> (s.bits * (k % per))) & mask) - offset;
      const float z = s.zp ? static_cast<float>((word(zp.data, (i / per) * s.groups + g) >> (s.bits * (i % per))) & mask) - offset : 0.0f;
      out[i * s.cols + k] = (q - z) * qelem_at(scale.data, s.scale, i * s.groups + g);
    }
  }
}

void dequant_nbits(const NbitsSpec& s, QSpan b, QSpan scales, QSpan zp, float* out) {
  check_bits(s.bits);
  if (s.block < 16 || (s.block & (s.block - 1))) throw CoreError(ErrorCode::Format, "MatMulNBits: block_size must be a power of 2 >= 16");
  const std::size_t nb = (s.cols + s.block - 1) / s.block, blob = s.block * s.bits / 8, mask = (1u << s.bits) - 1;
  const std::size_t zrow = (nb * s.bits + 7) / 8;
  expect(b, mul(mul(s.rows, nb), blob), "B");
  expect(scales, qelem_bytes(s.scale, mul(s.rows, nb)), "scales");
  if (s.zp == 100) expect(zp, mul(s.rows, zrow), "zero_points");
  else if (s.zp >= 0) throw CoreError(ErrorCode::Format, "MatMulNBits: float zero points are not dequantized");
  const float dflt = static_cast<float>(1u << (s.bits - 1));
  for (std::size_t n = 0; n < s.rows; ++n) {
    for (std::size_t k = 0; k < s.cols; ++k) {
      const std::size_t blk = k / s.block, kb = k % s.block, bit = kb * s.bits;
      const std::uint8_t byte = b.data[(n * nb + blk) * blob + bit / 8];
      const float q = static_cast<float>((byte >> (bit % 8)) & mask);
      float z = dflt;
      if (s.zp == 100) {
        const std::size_t zb = blk * s.bits;
        z = static_cast<float>((zp.data[n * zrow + zb / 8] >> (zb % 8)) & mask);
      }
      out[n * s.cols + k] = (q - z) * qelem_at(scales.data, s.scale, n * nb + blk);
    }
  }
}

void dequant_bnb4(const Bnb4Spec& s, QSpan packed, QSpan absmax, QSpan code, QSpan nested_absmax, QSpan nested_code, float* out) {
  const std::size_t n = mul(s.rows, s.cols);
  if (s.block == 0 || (s.nested && s.nested_block == 0)) throw CoreError(ErrorCode::Format, "bitsandbytes: block size 0");
  const std::size_t nblocks = (n + s.block - 1) / s.block;
  expect(packed, (n + 1) / 2, "weight");
  expect(code, 64, "quant_map");
  if (s.nested) {
    expect(absmax, nblocks, "absmax");
    expect(nested_absmax, mul((nblocks + s.nested_block - 1) / s.nested_block, 4), "nested_absmax");
    expect(nested_code, 1024, "nested_quant_map");
  } else {
    expect(absmax, mul(nblocks, 4), "absmax");
  }
  float table[16];
  std::memcpy(table, code.data, 64);
  const float off = static_cast<float>(s.nested_offset);
  for (std::size_t blk = 0; blk < nblocks; ++blk) {
    float am;
    if (s.nested) {
      float nc, na;
      std::memcpy(&nc, nested_code.data + 4 * absmax.data[blk], 4);
      std::memcpy(&na, nested_absmax.data + 4 * (blk / s.nested_block), 4);
      am = nc * na + off;
    } else {
      std::memcpy(&am, absmax.data + 4 * blk, 4);
    }
    const std::size_t end = blk * s.block + s.block < n ? blk * s.block + s.block : n;
    for (std::size_t e = blk * s.block; e < end; ++e) {
      const std::uint8_t byte = packed.data[e / 2];
      out[e] = table[(e & 1) ? (byte & 0xf) : (byte >> 4)] * am;
    }
  }
}

}  // namespace ws
