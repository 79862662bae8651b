// readGgml / decodeGgml: dequantize a ggml-quantized tensor (GGUF) into a float32 buffer the result owns.
// I/O-class jobs (they never take a CPU slot). The file is read in chunks of whole blocks into one staging
// buffer that is reused chunk after chunk (and comes warm from the pool on the next call), and each chunk is
// dequantized straight into the output: only the output's pages are ever fresh.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>

#include <sys/mman.h>
#include <string>

#include "../core/buffer.h"
#include "../core/file_range.h"
#include "../core/ggml_quants.h"
#include "errors.h"
#include "job.h"
#include "native_array.h"
#include "ops.h"

namespace ws::binding {
namespace {

// Stored bytes read and dequantized per chunk (rounded down to whole blocks): big enough that one pread
// per chunk costs nothing, small enough to stay in L2/L3 between the read and the kernel.
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;

struct GgmlSpec {
  int type;
  GgmlBlock block;
  std::size_t count, blocks, bytes;
};

double number(Napi::Env env, Napi::Value v, const char* what) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<std::uint64_t>(d)))
    throw_error(env, "E_OPTION", std::string(what) + " must be a non-negative safe integer");
  return d;
}

GgmlSpec ggml_spec(Napi::Env env, Napi::Value type, Napi::Value count) {
  GgmlSpec s{};
  const double t = number(env, type, "ggml type");
  s.type = t <= 1000 ? static_cast<int>(t) : -1;
  s.block = ggml_block(s.type);
  if (s.block.elems == 0) throw_error(env, "E_DTYPE", "ggml type " + std::to_string(t) + " has no dequantizer");
  s.count = static_cast<std::size_t>(number(env, count, "count"));
  if (s.count % s.block.elems != 0)
    throw_error(env, "E_SHAPE", std::to_string(s.count) + " elements are not whole blocks of " + std::to_string(s.block.elems));
  s.blocks = s.count / s.block.elems;
  if (__builtin_mul_overflow(s.blocks, s.block.bytes, &s.bytes)) throw_error(env, "E_TOO_LARGE", "the tensor's byte size overflows");
  return s;
}

// Wall time, and this thread's CPU time (user + system: page faults count), so throughput per core can be
// measured on a loaded machine.
struct Stamp {
  double wall, cpu;
  static Stamp now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return {std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(),
            static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec)};
  }
};
struct Spent {
  double wall = 0, cpu = 0;
  void add(const Stamp& a, const Stamp& b) {
    wall += b.wall - a.wall;
    cpu += b.cpu - a.cpu;
  }
};

// A large output is written once, in full: fault it in with one call instead of one trap per page as the
// kernels first touch it (most of the cost of a fresh 100 MB output; a block that comes warm from the pool is
// already mapped). The pool has already advised such blocks for transparent huge pages (core/pool.cc).
// Advisory: ignored where unsupported.
void prefault(void* p, std::size_t bytes) {
  constexpr std::size_t kMin = std::size_t(4) << 20, kPage = 4096;
  if (bytes < kMin || reinterpret_cast<std::uintptr_t>(p) % kPage != 0) return;
  const std::size_t len = bytes / kPage * kPage;
#ifdef MADV_POPULATE_WRITE
  madvise(p, len, MADV_POPULATE_WRITE);
#endif
}

class GgmlJob : public Job {
 public:
  explicit GgmlJob(GgmlSpec s) : spec_(s) { kind = JobKind::Io; }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("data", to_typed_array(env, std::move(out_)));
    Napi::Array sh = Napi::Array::New(env, 1);
    sh.Set(0u, Napi::Number::New(env, static_cast<double>(spec_.count)));
    o.Set("shape", sh);
    o.Set("readSeconds", Napi::Number::New(env, read_.wall));
    o.Set("decodeSeconds", Napi::Number::New(env, decode_.wall));
    o.Set("readCpuSeconds", Napi::Number::New(env, read_.cpu));
    o.Set("decodeCpuSeconds", Napi::Number::New(env, decode_.cpu));
    o.Set("allocCpuSeconds", Napi::Number::New(env, alloc_.cpu));
    return o;
  }

 protected:
  float* output() {
    const Stamp t0 = Stamp::now();
    out_.allocate(spec_.count);
    prefault(out_.data(), spec_.count * sizeof(float));
    alloc_.add(t0, Stamp::now());
    return out_.data();
  }
  void decode(const std::uint8_t* src, std::size_t first_block, std::size_t n, float* out) {
    const Stamp t0 = Stamp::now();
    ggml_dequantize(spec_.type, src, n, out + first_block * spec_.block.elems);
    decode_.add(t0, Stamp::now());
  }
  GgmlSpec spec_;
  Spent read_, decode_, alloc_;

 private:
  Buffer<float> out_;
};

class ReadGgmlJob final : public GgmlJob {
 public:
  ReadGgmlJob(std::string path, std::uint64_t offset, GgmlSpec s) : GgmlJob(s), path_(std::move(path)), offset_(offset) {}
  void execute() override {
    float* out = output();
    if (spec_.blocks == 0) return;
    const FileRangeReader file(path_, offset_, spec_.bytes);
    const std::size_t per_chunk = std::max<std::size_t>(1, kChunkBytes / spec_.block.bytes);
    Buffer<std::uint8_t> staging(std::min(per_chunk, spec_.blocks) * spec_.block.bytes);
    for (std::size_t b = 0; b < spec_.blocks; b += per_chunk) {
      const std::size_t n = std::min(per_chunk, spec_.blocks - b);
      const Stamp t0 = Stamp::now();
      file.read(b * spec_.block.bytes, n * spec_.block.bytes, staging.data());
      read_.add(t0, Stamp::now());
      decode(staging.data(), b, n, out);
    }
  }

 private:
  std::string path_;
  std::uint64_t offset_;
};

class DecodeGgmlJob final : public GgmlJob {
 public:
  DecodeGgmlJob(const std::uint8_t* src, Block* hold, GgmlSpec s) : GgmlJob(s), src_(src), hold_(hold) {}
  ~DecodeGgmlJob() override { block_release(hold_); }
  void execute() override {
    float* out = output();
    if (spec_.blocks) decode(src_, 0, spec_.blocks, out);
  }

 private:
  const std::uint8_t* src_;
  Block* hold_;
};

}  // namespace

// readGgml(path, offset, byteLength, type, count, flags, token) -> {data: Float32Array, shape, readSeconds,
// decodeSeconds, readCpuSeconds, decodeCpuSeconds, allocCpuSeconds}
Napi::Value ReadGgml(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw_error(env, "E_OPTION", "readGgml: path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const double offset = number(env, info[1], "offset");
  const double length = number(env, info[2], "byteLength");
  const GgmlSpec spec = ggml_spec(env, info[3], info[4]);
  if (static_cast<double>(spec.bytes) != length)
    throw_error(env, "E_FORMAT", path + ": the tensor needs " + std::to_string(spec.bytes) + " bytes, its range has " +
                                     std::to_string(static_cast<std::uint64_t>(length)));
  const CallOptions o = call_options(info, 5);
  return run_job(env, std::make_unique<ReadGgmlJob>(path, static_cast<std::uint64_t>(offset), spec), o);
}

// decodeGgml(bytes: Uint8Array, type, count, flags, token) -> as readGgml
Napi::Value DecodeGgml(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BytesArg bytes = bytes_arg(env, info[0], "decodeGgml");
  const GgmlSpec spec = ggml_spec(env, info[1], info[2]);
  if (spec.bytes != bytes.length)
    throw_error(env, "E_FORMAT", "decodeGgml: the tensor needs " + std::to_string(spec.bytes) + " bytes, got " +
                                     std::to_string(bytes.length));
  const CallOptions o = call_options(info, 3);
  Block* hold = nullptr;
  const std::uint8_t* src = job_bytes(env, bytes, o.async, o.adopt, &hold);
  return run_job(env, std::make_unique<DecodeGgmlJob>(src, hold, spec), o);
}

}  // namespace ws::binding
