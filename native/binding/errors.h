// Native errors as JavaScript WeightscopeError instances. The TypeScript layer hands its error class
// to the addon once at load (setErrorClass), as better-sqlite3 does, so errors thrown or rejected
// here are real WeightscopeErrors with a `code` (and `routine`/`info` for LAPACK failures).
#pragma once
#include <napi.h>
#include <string>

#include "../core/core_error.h"

namespace ws::binding {

struct AddonData {
  Napi::FunctionReference error_class;
};

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message,
                       const std::string& routine = "", long long info = 0);
Napi::Error make_error(Napi::Env env, const CoreError& e);

// Throw a WeightscopeError from a synchronous entry point.
[[noreturn]] void throw_error(Napi::Env env, const std::string& code, const std::string& message);

Napi::Value SetErrorClass(const Napi::CallbackInfo& info);

}  // namespace ws::binding
