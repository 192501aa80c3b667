#include "napi/errors.h"

#include "napi/exports.h"

namespace rarft::napi {
namespace {

struct ErrorClassData {
  Napi::FunctionReference ctor;
};

// One per Node environment (main thread or worker thread).
thread_local ErrorClassData* tl_error_class = nullptr;

}  // namespace

void SetTorchErrorClass(Napi::Env env, Napi::Function ctor) {
  if (!tl_error_class) {
    tl_error_class = new ErrorClassData();
    env.AddCleanupHook([] {
      delete tl_error_class;
      tl_error_class = nullptr;
    });
  }
  tl_error_class->ctor = Napi::Persistent(ctor);
}

std::string DescribeException(const std::exception& e) {
  if (auto* ce = dynamic_cast<const c10::Error*>(&e)) return ce->what_without_backtrace();
  return e.what();
}

Napi::Error MakeTorchError(Napi::Env env, const std::string& message, const std::string& op) {
  std::string full = op.empty() ? message : op + ": " + message;
  if (tl_error_class && !tl_error_class->ctor.IsEmpty()) {
    Napi::Object err = tl_error_class->ctor.New({Napi::String::New(env, full)});
    err.Set("op", Napi::String::New(env, op));
    err.Set("nativeMessage", Napi::String::New(env, message));
    return Napi::Error(env, err);
  }
  return Napi::Error::New(env, full);
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "setErrorClass", [](const Napi::CallbackInfo& info) -> Napi::Value {
    SetTorchErrorClass(info.Env(), info[0].As<Napi::Function>());
    return info.Env().Undefined();
  }, 1);
}

}  // namespace rarft::napi
