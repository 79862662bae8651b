// Native errors as JavaScript WeightscopeError instances. The TypeScript layer hands its error class
// to the addon once at load (setErrorClass), as better-sqlite3 does, so errors thrown or rejected
// here are real WeightscopeErrors with a `code` (and `routine`/`info` for LAPACK failures).
#pragma once
#include <napi.h>
#include <new>
#include <stdexcept>
#include <string>

#include "../core/core_error.h"

namespace ws::binding {

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message,
                       const std::string& routine = "", long long info = 0);
Napi::Error make_error(Napi::Env env, const CoreError& e);

// Throw a WeightscopeError from a synchronous entry point.
[[noreturn]] void throw_error(Napi::Env env, const std::string& code, const std::string& message);

// Every exported function is wrapped in this: whatever its body throws becomes a thrown WeightscopeError
// (CoreError -> its code, bad_alloc -> E_TOO_LARGE, anything else -> E_INTERNAL), never std::terminate.
// NODE_ADDON_API_CPP_EXCEPTIONS_ALL is the backstop should building that error throw too.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const CoreError& e) {
    throw make_error(info.Env(), e);
  } catch (const std::bad_alloc&) {
    throw make_error(info.Env(), "E_TOO_LARGE", "out of memory");
  } catch (const std::exception& e) {
    throw make_error(info.Env(), "E_INTERNAL", e.what());
  } catch (...) {
    throw make_error(info.Env(), "E_INTERNAL", "unknown native exception");
  }
}

Napi::Value SetErrorClass(const Napi::CallbackInfo& info);

}  // namespace ws::binding
