// A 128-bit content digest of a byte range, for telling identical weights apart from different ones
// (analyze() analyses a weight stored twice once). Not cryptographic: a checkpoint's author controls its
// weights anyway (making two layers collide gains nothing that storing one layer twice does not), and for
// data not made to collide two different tensors share a digest with probability ~2^-128. Two XXH64 streams
// (seeds 0 and "WSdedupe"; 4 lanes of multiply-rotate each) in one pass: ~10 GB/s, off the JS thread.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace ws {

std::array<std::uint64_t, 2> content_digest(const std::uint8_t* data, std::size_t n);

}  // namespace ws
