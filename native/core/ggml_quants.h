// Dequantization of ggml block formats (the tensors of GGUF files) into float32, written from the ggml
// format description (llama.cpp ggml-quants.c / gguf-py quants.py layouts). Every block is self-contained:
// fp16 scale(s) then packed quants; a tensor is a run of whole blocks along its fastest axis.
//
// The arithmetic follows gguf-py's reference dequantizer operation for operation in float32 (scale × sub-scale
// first, then × quant, then − min), so results are bit-identical to gguf.quants.dequantize.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ws {

// ggml type ids (GGMLQuantizationType) that have a dequantizer here.
enum class GgmlType : int {
  Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8,
  Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
};

struct GgmlBlock {
  std::size_t elems;  // values per block
  std::size_t bytes;  // stored bytes per block
};

// The block geometry of a ggml type id, or {0, 0} when it has no dequantizer here.
GgmlBlock ggml_block(int type);

// Dequantizes `nblocks` whole blocks of `type` (one ggml_block() says is supported) from src into out
// (nblocks * elems floats).
void ggml_dequantize(int type, const std::uint8_t* src, std::size_t nblocks, float* out);

}  // namespace ws
