// Self-registration of N-API exports: each binding file registers its functions with a static RARFT_EXPORTS block,
// so adding a binding file never means editing addon.cpp.
#pragma once
#include <napi.h>

#include <functional>
#include <vector>

namespace rarft::napi {

using ExportFn = std::function<void(Napi::Env, Napi::Object)>;

// All registered export blocks, in static-initialisation order.
std::vector<ExportFn>& ExportBlocks();

struct ExportRegistrar {
  explicit ExportRegistrar(ExportFn fn) { ExportBlocks().push_back(std::move(fn)); }
};

// exports.Set(name, Napi::Function::New(env, fn, name)), with the function's parameter count as its `length`.
// N-API functions report length 0, so without it nothing could compare the native side's parameters with the
// TypeScript contract (lib/native/arity.ts; test/native/contract.test.ts checks both directions). `arity` counts every
// parameter the binding reads, optional ones included.
inline void SetFn(Napi::Env env, Napi::Object exports, const char* name, Napi::Function::Callback fn, int arity) {
  Napi::Function f = Napi::Function::New(env, fn, name);
  f.DefineProperty(Napi::PropertyDescriptor::Value("length", Napi::Number::New(env, arity), napi_configurable));
  exports.Set(name, f);
}

}  // namespace rarft::napi

#define RARFT_CONCAT_INNER(a, b) a##b
#define RARFT_CONCAT(a, b) RARFT_CONCAT_INNER(a, b)
// Usage: RARFT_EXPORTS(env, exports) { SetFn(env, exports, "add", Add, 2); }
#define RARFT_EXPORTS(env, exports)                                                                      \
  static void RARFT_CONCAT(rarft_exports_, __LINE__)(Napi::Env env, Napi::Object exports);              \
  static ::rarft::napi::ExportRegistrar RARFT_CONCAT(rarft_registrar_, __LINE__)(                        \
      RARFT_CONCAT(rarft_exports_, __LINE__));                                                           \
  static void RARFT_CONCAT(rarft_exports_, __LINE__)(Napi::Env env, Napi::Object exports)
