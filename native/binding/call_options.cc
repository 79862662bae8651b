#include "call_options.h"

#include <string>

#include "errors.h"

namespace ws::binding {

CallOptions call_options(const Napi::CallbackInfo& info, std::size_t i) {
  Napi::Env env = info.Env();
  const double f = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : -1;
  if (!(f >= 0 && f < 256) || f != static_cast<double>(static_cast<int>(f)))
    throw_error(env, "E_OPTION", "call flags must be an integer in [0, 256)");
  const int flags = static_cast<int>(f);
  CallOptions o;
  o.async = flags & 1;
  o.adopt = flags & 2;
  const int device = (flags >> 2) & 3;
  o.gpu = device > 0;
  o.routine = device > 0 ? static_cast<cuda::SvdRoutine>(device - 1) : cuda::SvdRoutine::Auto;
  o.fallback = (flags & 16) && o.gpu;
  const int p = (flags >> 5) & 3;
  if (p == 3) throw_error(env, "E_OPTION", "precision bits must be 0, 1 or 2");
  o.precision = static_cast<Precision>(p);
  o.shared = flags & 128;
  const double t = info.Length() > i + 1 && info[i + 1].IsNumber() ? info[i + 1].As<Napi::Number>().DoubleValue() : 0;
  if (!(t >= 0 && t <= 4294967295.0) || t != static_cast<double>(static_cast<std::uint32_t>(t)))
    throw_error(env, "E_OPTION", "a cancellation token must be an integer in [0, 2^32)");
  o.token = static_cast<std::uint32_t>(t);
  return o;
}

}  // namespace ws::binding
