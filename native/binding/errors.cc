#include "errors.h"

#include "addon_data.h"

namespace ws::binding {

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message, const std::string& routine,
                       long long info) {
  Napi::HandleScope scope(env);
  auto* data = env.GetInstanceData<AddonData>();
  Napi::Object details = Napi::Object::New(env);
  if (!routine.empty()) {
    details.Set("routine", routine);
    details.Set("info", Napi::Number::New(env, static_cast<double>(info)));
  }
  if (data && !data->error_class.IsEmpty()) {
    Napi::Object err = data->error_class.New({Napi::String::New(env, message), Napi::String::New(env, code), details});
    return Napi::Error(env, err);
  }
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", code);
  return err;
}

Napi::Error make_error(Napi::Env env, const CoreError& e) {
  return make_error(env, code_name(e.code), e.what(), e.routine, e.info);
}

void throw_error(Napi::Env env, const std::string& code, const std::string& message) {
  throw make_error(env, code, message);
}

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  auto* data = info.Env().GetInstanceData<AddonData>();
  if (!info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "setErrorClass expects a constructor");
  data->error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace ws::binding
