// contentDigest: the 128-bit digest of a byte range (core/digest.h), as an I/O-class job (it never takes a
// CPU slot, so it runs beside a layer's LAPACK work), for analyze()'s detection of weights stored twice.
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>

#include "../core/digest.h"
#include "job.h"
#include "native_array.h"
#include "ops.h"

namespace ws::binding {
namespace {

class DigestJob final : public Job {
 public:
  DigestJob(const std::uint8_t* src, std::size_t n, Block* hold) : src_(src), n_(n), hold_(hold) { kind = JobKind::Io; }
  ~DigestJob() override { block_release(hold_); }
  void execute() override { d_ = content_digest(src_, n_); }
  Napi::Value result(Napi::Env env) override {
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(d_[0]),
                  static_cast<unsigned long long>(d_[1]));
    return Napi::String::New(env, hex, 32);
  }

 private:
  const std::uint8_t* src_;
  std::size_t n_;
  Block* hold_;
  std::array<std::uint64_t, 2> d_{};
};

}  // namespace

// contentDigest(bytes: Uint8Array, flags, token) -> 32 hex digits
Napi::Value ContentDigest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BytesArg bytes = bytes_arg(env, info[0], "contentDigest");
  const CallOptions o = call_options(info, 1);
  Block* hold = nullptr;
  const std::uint8_t* src = job_bytes(env, bytes, o.async, o.adopt, &hold);
  return run_job(env, std::make_unique<DigestJob>(src, bytes.length, hold), o);
}

}  // namespace ws::binding
