// Decoding stored tensor bytes (little-endian f32, f64, f16, bf16) into float or double, optionally
// transposing a 2-D tensor ((in, out) -> (out, in)) or swapping axes 0 and 1 of a 4-D one, in one pass
// into the output buffer.
//
// f16 -> f32 uses the CPU's F16C instructions (VCVTPH2PS) when the CPU has them (checked at run time),
// else a portable bit conversion that gives the same bits: exact for every finite value, subnormals
// included, ±Inf kept, and a NaN keeps its sign and payload with the quiet bit set (as VCVTPH2PS does;
// numpy keeps a signalling NaN signalling). bf16 -> f32 is exact (the top 16 bits of a float32).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ws {

enum class StoredDtype { F32 = 0, F64 = 1, F16 = 2, BF16 = 3 };
enum class Layout { AsStored = 0, Transpose2d = 1, Swap01 = 2 };

std::size_t stored_bytes(StoredDtype d);

// The shape after the layout change ([a, b] -> [b, a]; [a, b, c, d] -> [b, a, c, d]). E_SHAPE when the
// layout does not fit the rank.
std::vector<std::size_t> transformed_shape(const std::vector<std::size_t>& shape, Layout layout);

// Decodes the tensor of `shape` stored at src (stored_bytes(dtype) * product(shape) bytes) into out.
template <typename Out>
void decode_tensor(const std::uint8_t* src, StoredDtype dtype, const std::vector<std::size_t>& shape, Layout layout,
                   Out* out);

// Whether the F16C path is used (false: the portable conversion). force_portable_f16 is a test hook.
bool f16c_in_use();
void force_portable_f16(bool on);

}  // namespace ws
