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

// Shorthand for exports.Set(name, Napi::Function::New(env, fn, name)).
inline void SetFn(Napi::Env env, Napi::Object exports, const char* name, Napi::Function::Callback fn) {
  exports.Set(name, Napi::Function::New(env, fn, name));
}

}  // namespace rarft::napi

#define RARFT_CONCAT_INNER(a, b) a##b
#define RARFT_CONCAT(a, b) RARFT_CONCAT_INNER(a, b)
// Usage: RARFT_EXPORTS(env, exports) { SetFn(env, exports, "add", Add); }
#define RARFT_EXPORTS(env, exports)                                                                      \
  static void RARFT_CONCAT(rarft_exports_, __LINE__)(Napi::Env env, Napi::Object exports);              \
  static ::rarft::napi::ExportRegistrar RARFT_CONCAT(rarft_registrar_, __LINE__)(                        \
      RARFT_CONCAT(rarft_exports_, __LINE__));                                                           \
  static void RARFT_CONCAT(rarft_exports_, __LINE__)(Napi::Env env, Napi::Object exports)
