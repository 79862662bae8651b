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

// One opened regular file, for reading a range in several pieces (chunked decoding) with one open.
class FileRangeReader {
 public:
  // Opens and checks `path` (a regular file), and that [offset, offset + bytes) lies inside it.
  FileRangeReader(std::string path, std::uint64_t offset, std::size_t bytes);
  ~FileRangeReader();
  FileRangeReader(const FileRangeReader&) = delete;
  FileRangeReader& operator=(const FileRangeReader&) = delete;
  // Reads `bytes` bytes at `at` (relative to the range's start; inside the range) into dst.
  void read(std::size_t at, std::size_t bytes, void* dst) const;

 private:
  std::string path_;
  std::uint64_t offset_;
  int fd_ = -1;
};

}  // namespace ws
