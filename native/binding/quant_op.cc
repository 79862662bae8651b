// dequantize(op, params[], inputs: Uint8Array[], flags, token) -> { data: Float32Array, shape: [rows, cols] }
// An I/O-class job (it never takes a CPU slot): the inputs are copied into native blocks on the JavaScript
// thread, the kernel (native/core/quant.h) runs off it. Params per op (src/model/quant/load.ts encodes them):
//   0 grid    [rows, cols, q, scale, zp|-1, sr, sc, br, bc, mul, transpose]   inputs q, scale[, zp]
//   1 gptq    [rows, cols, bits, groups, scale, zero_offset, has_g_idx]       inputs qweight, qzeros, scales[, g_idx]
//   2 awq     [rows, cols, groups, scale]                                     inputs qweight, qzeros, scales
//   3 ct-pack [rows, cols, bits, groups, scale, has_zp, has_g_idx, group_size]          inputs packed, scale[, zp][, g_idx]
//   4 nbits   [rows, cols, bits, block, scale, zp: -1 | 100 packed]           inputs B, scales[, zp]
//   5 bnb4    [rows, cols, block, nested, nested_block, nested_offset]        inputs packed, absmax, code[, nested_absmax, nested_code]
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../core/quant.h"
#include "errors.h"
#include "job.h"
#include "native_array.h"
#include "ops.h"

namespace ws::binding {
namespace {

enum class Op { Grid = 0, Gptq = 1, Awq = 2, CtPack = 3, Nbits = 4, Bnb4 = 5 };
constexpr int kOps = 6;
const std::size_t kParams[kOps] = {11, 7, 4, 8, 6, 6};

class DequantJob final : public Job {
 public:
  DequantJob(Op op, std::vector<double> p, std::vector<Buffer<std::uint8_t>> in, std::vector<std::size_t> sizes)
      : op_(op), p_(std::move(p)), in_(std::move(in)), sizes_(std::move(sizes)) {
    kind = JobKind::Io;
  }
  void execute() override {
    const std::size_t rows = u(0), cols = u(1);
    std::size_t n;
    if (__builtin_mul_overflow(rows, cols, &n)) throw CoreError(ErrorCode::TooLarge, "the weight's element count overflows");
    out_.allocate(n);
    float* out = out_.data();
    switch (op_) {
      case Op::Grid: {
        need(in_.size() == 2 || in_.size() == 3);
        const GridSpec s{rows, cols, u(5), u(6), u(7), u(8), elem(2), elem(3), static_cast<int>(p_[4]), p_[9], p_[10] != 0};
        if (s.zp_elem >= 0) (void)elem(4);
        need((s.zp_elem >= 0) == (in_.size() == 3));
        dequant_grid(s, span(0), span(1), span(2), out);
        if (s.transpose) {
          shape_[0] = cols;
          shape_[1] = rows;
          return;
        }
        break;
      }
      case Op::Gptq: {
        const GptqSpec s{rows, cols, u(2), u(3), elem(4), static_cast<int>(p_[5]), p_[6] != 0};
        need(in_.size() == (s.g_idx ? 4u : 3u) && (s.zero_offset == 0 || s.zero_offset == 1));
        dequant_gptq(s, span(0), span(1), span(2), span(3), out);
        break;
      }
      case Op::Awq: {
        need(in_.size() == 3);
        dequant_awq(AwqSpec{rows, cols, u(2), elem(3)}, span(0), span(1), span(2), out);
        break;
      }
      case Op::CtPack: {
        const CtPackSpec s{rows, cols, u(2), u(3), u(7), elem(4), p_[5] != 0, p_[6] != 0};
        need(in_.size() == 2u + s.zp + s.g_idx);
        dequant_ct_pack(s, span(0), span(1), s.zp ? span(2) : QSpan{nullptr, 0}, s.g_idx ? span(2 + s.zp) : QSpan{nullptr, 0}, out);
        break;
      }
      case Op::Nbits: {
        const NbitsSpec s{rows, cols, u(2), u(3), elem(4), static_cast<int>(p_[5])};
        need(in_.size() == (s.zp >= 0 ? 3u : 2u));
        dequant_nbits(s, span(0), span(1), span(2), out);
        break;
      }
      case Op::Bnb4: {
        const Bnb4Spec s{rows, cols, u(2), p_[3] != 0, u(4), p_[5]};
        need(in_.size() == (s.nested ? 5u : 3u));
        dequant_bnb4(s, span(0), span(1), span(2), span(3), span(4), out);
        break;
      }
    }
    shape_[0] = rows;
    shape_[1] = cols;
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("data", to_typed_array(env, std::move(out_)));
    Napi::Array sh = Napi::Array::New(env, 2);
    sh.Set(0u, Napi::Number::New(env, static_cast<double>(shape_[0])));
    sh.Set(1u, Napi::Number::New(env, static_cast<double>(shape_[1])));
    o.Set("shape", sh);
    return o;
  }

 private:
  static void need(bool ok) {
    if (!ok) throw CoreError(ErrorCode::Format, "dequantize: inputs do not match the kernel's params");
  }
  std::size_t u(std::size_t i) const {
    const double d = p_[i];
    if (!(d >= 0 && d <= 9007199254740991.0) || d != std::floor(d))
      throw CoreError(ErrorCode::Format, "dequantize: param " + std::to_string(i) + " must be a non-negative integer");
    return static_cast<std::size_t>(d);
  }
  QElem elem(std::size_t i) const {
    const std::size_t e = u(i);
    if (e >= static_cast<std::size_t>(kQElemCount)) throw CoreError(ErrorCode::Format, "dequantize: unknown element type");
    return static_cast<QElem>(e);
  }
  QSpan span(std::size_t i) const {
    return i < in_.size() ? QSpan{in_[i].data(), sizes_[i]} : QSpan{nullptr, 0};
  }
  Op op_;
  std::vector<double> p_;
  std::vector<Buffer<std::uint8_t>> in_;
  std::vector<std::size_t> sizes_;
  Buffer<float> out_;
  std::size_t shape_[2] = {0, 0};
};

}  // namespace

Napi::Value Dequantize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double opd = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(opd >= 0 && opd < kOps) || opd != std::floor(opd)) throw_error(env, "E_OPTION", "dequantize: unknown kernel");
  const Op op = static_cast<Op>(static_cast<int>(opd));
  if (!info[1].IsArray() || !info[2].IsArray()) throw_error(env, "E_OPTION", "dequantize: params and inputs must be arrays");
  Napi::Array pa = info[1].As<Napi::Array>(), ia = info[2].As<Napi::Array>();
  if (pa.Length() != kParams[static_cast<int>(op)]) throw_error(env, "E_OPTION", "dequantize: wrong number of params");
  std::vector<double> p;
  for (uint32_t k = 0; k < pa.Length(); ++k) {
    Napi::Value v = pa.Get(k);
    if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) throw_error(env, "E_OPTION", "dequantize: params must be finite numbers");
    p.push_back(v.As<Napi::Number>().DoubleValue());
  }
  if (ia.Length() > 8) throw_error(env, "E_OPTION", "dequantize: too many inputs");
  std::vector<Buffer<std::uint8_t>> in;
  std::vector<std::size_t> sizes;
  for (uint32_t k = 0; k < ia.Length(); ++k) {
    Napi::Value v = ia.Get(k);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      throw_error(env, "E_DTYPE", "dequantize: inputs must be Uint8Arrays");
    Napi::Uint8Array a = v.As<Napi::Uint8Array>();
    if (a.ArrayBuffer().IsDetached()) throw_error(env, "E_DETACHED", "dequantize: an input's ArrayBuffer is detached");
    // a copy: the job never reads memory JavaScript can free or change while it runs
    Buffer<std::uint8_t> b(a.ByteLength() ? a.ByteLength() : 1);
    if (a.ByteLength()) std::memcpy(b.data(), a.Data(), a.ByteLength());
    sizes.push_back(a.ByteLength());
    in.push_back(std::move(b));
  }
  const CallOptions o = call_options(info, 3);
  return run_job(env, std::make_unique<DequantJob>(op, std::move(p), std::move(in), std::move(sizes)), o);
}

}  // namespace ws::binding
