// Positioned reads of a byte range of a model file, for the native tensor reader (an I/O-class job).
// Only regular files: the file is opened with O_NONBLOCK and fstat-ed before any read, so a FIFO or a
// device can never block the reading thread. Every failure is E_FORMAT naming the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ws {

// Reads exactly `bytes` bytes at `offset` of `path` into dst.
void read_file_range(const std::string& path, std::uint64_t offset, std::size_t bytes, void* dst);

}  // namespace ws
