// Qwen models live in an id-keyed map owned by the JS thread (qwen_model.cpp); other binding files reach them here.
#pragma once
#include <napi.h>

#include <memory>

#include "qwen/model.h"

namespace rarft::napi {

// The live model whose id is argument `i` (an ArgError naming the argument otherwise).
std::shared_ptr<qwen::QwenModel> ModelArg(const Napi::CallbackInfo& info, size_t i);

}  // namespace rarft::napi
