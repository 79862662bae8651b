// Dequantization kernels for stored quantized weights (GPTQ, AWQ, compressed-tensors, FP8, bitsandbytes, ONNX
// QDQ / MatMulInteger / MatMulNBits). Each writes float32 (out, in) row-major and checks every input's byte
// length against its shape first (E_FORMAT), every size for overflow (E_TOO_LARGE); indices read from the file
// (g_idx) are range-checked (E_FORMAT). No Node API here: the binding is native/binding/quant_op.cc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ws {

// Element encodings (src/model/quant/kernel.ts ELEM, same numbering). i4/u4: two per byte, low nibble first.
enum class QElem { F32 = 0, F16 = 1, BF16 = 2, I8 = 3, U8 = 4, I16 = 5, U16 = 6, I32 = 7, F8E4M3 = 8, F8E5M2 = 9, I4 = 10, U4 = 11 };
constexpr int kQElemCount = 12;

struct QSpan {
  const std::uint8_t* data;
  std::size_t bytes;
};

// Bytes that n elements of e occupy (E_TOO_LARGE on overflow).
std::size_t qelem_bytes(QElem e, std::size_t n);
// Element i of a tensor of e, as float (every encoding is exact in float: int32 zero points are small).
float qelem_at(const std::uint8_t* p, QElem e, std::size_t i);
// n elements of e decoded to float into dst (scales and zero points, decoded once per kernel call).
void qelem_decode(const std::uint8_t* p, QElem e, std::size_t n, float* dst);
float f8e4m3_to_float(std::uint8_t b);
float f8e5m2_to_float(std::uint8_t b);

// out[i][j] = (q[i][j] - zp[g]) * scale[g] * mul over a (sr × sc) grid of (br × bc) blocks of the stored
// (rows × cols) tensor; transpose: out is (cols × rows). zp absent: zp_elem < 0.
struct GridSpec {
  std::size_t rows, cols, sr, sc, br, bc;
  QElem q, scale;
  int zp_elem;
  double mul;
  bool transpose;
};
void dequant_grid(const GridSpec& s, QSpan q, QSpan scale, QSpan zp, float* out);

// GPTQ: qweight i32 (cols·bits/32, rows) packed along the input dim; qzeros i32 (groups, rows·bits/32);
// scales (groups, rows); g_idx i32 (cols) or absent. out (rows = out, cols = in).
struct GptqSpec {
  std::size_t rows, cols, bits, groups;
  QElem scale;
  int zero_offset;
  bool g_idx;
};
void dequant_gptq(const GptqSpec& s, QSpan qweight, QSpan qzeros, QSpan scales, QSpan g_idx, float* out);

// AWQ GEMM: qweight i32 (cols, rows/8), qzeros i32 (groups, rows/8), packed along out in the order
// 0 2 4 6 1 3 5 7; scales (groups, rows).
struct AwqSpec {
  std::size_t rows, cols, groups;
  QElem scale;
};
void dequant_awq(const AwqSpec& s, QSpan qweight, QSpan qzeros, QSpan scales, float* out);

// compressed-tensors pack-quantized: weight_packed i32 (rows, ceil(cols·bits/32)), offset binary
// (q + 2^(bits-1)); weight_scale (rows, groups); weight_zero_point i32 packed along rows
// (ceil(rows·bits/32), groups), same offset; weight_g_idx i32 (cols), else column k is in group k / group_size.
struct CtPackSpec {
  std::size_t rows, cols, bits, groups, group_size;
  QElem scale;
  bool zp, g_idx;
};
void dequant_ct_pack(const CtPackSpec& s, QSpan packed, QSpan scale, QSpan zp, QSpan g_idx, float* out);

// ONNX MatMulNBits: B u8 (rows = N, ceil(cols/block), block·bits/8), element k of a byte at bits·k;
// scales (N · blocks); zero points: absent (2^(bits-1)), packed u8 (N, ceil(blocks·bits/8)), or float.
struct NbitsSpec {
  std::size_t rows, cols, bits, block;
  QElem scale;
  int zp;  // -1 none, 100 packed, else a QElem float encoding
};
void dequant_nbits(const NbitsSpec& s, QSpan b, QSpan scales, QSpan zp, float* out);

// bitsandbytes 4-bit (nf4/fp4): packed u8, element 2k in the high nibble of byte k; code f32[16];
// absmax f32 per block, or nested: u8 codes into nested_code f32[256] times nested_absmax f32 per
// nested_block absmax codes, plus nested_offset.
struct Bnb4Spec {
  std::size_t rows, cols, block;
  bool nested;
  std::size_t nested_block;
  double nested_offset;
};
void dequant_bnb4(const Bnb4Spec& s, QSpan packed, QSpan absmax, QSpan code, QSpan nested_absmax, QSpan nested_code, float* out);

}  // namespace ws
