// What the addon keeps per JavaScript environment (napi instance data).
#pragma once
#include <napi.h>

#include <memory>

#include "env_state.h"

namespace ws::binding {

struct AddonData {
  Napi::FunctionReference error_class;  // WeightscopeError, handed over by src/binding.ts at load
  std::shared_ptr<EnvState> state;
};

}  // namespace ws::binding
