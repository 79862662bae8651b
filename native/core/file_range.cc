#include "file_range.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core_error.h"

namespace ws {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw CoreError(ErrorCode::Format, path + ": " + why);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void release() { fd_ = -1; }

 private:
  int fd_;
};

}  // namespace

FileRangeReader::FileRangeReader(std::string path, std::uint64_t offset, std::size_t bytes)
    : path_(std::move(path)), offset_(offset) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) fail(path_, std::string("cannot open: ") + std::strerror(errno));
  Fd guard(fd_);  // closes on a failed check below; released once the reader is complete
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(path_, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) fail(path_, "not a regular file");
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (offset > size || bytes > size - offset)
    fail(path_, "the tensor's bytes [" + std::to_string(offset) + ", " + std::to_string(offset + bytes) +
                    ") run past the end of the file (" + std::to_string(size) + " bytes)");
  guard.release();
}

FileRangeReader::~FileRangeReader() {
  if (fd_ >= 0) ::close(fd_);
}

void FileRangeReader::read(std::size_t at, std::size_t bytes, void* dst) const {
  auto* p = static_cast<char*>(dst);
  const std::uint64_t offset = offset_ + at;
  std::size_t done = 0;
  while (done < bytes) {
    constexpr std::size_t kChunk = std::size_t(1) << 30;  // pread may return less than asked for large sizes
    const ssize_t r = ::pread(fd_, p + done, std::min(kChunk, bytes - done), static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail(path_, std::string("read failed: ") + std::strerror(errno));
    if (r == 0)
      fail(path_, "short read: " + std::to_string(done) + " of " + std::to_string(bytes) + " bytes at offset " +
                      std::to_string(offset) + " (the file changed while it was read?)");
    done += static_cast<std::size_t>(r);
  }
}

void read_file_range(const std::string& path, std::uint64_t offset, std::size_t bytes, void* dst) {
  FileRangeReader(path, offset, bytes).read(0, bytes, dst);
}

}  // namespace ws
