// Every native failure becomes a JS `TorchError` (lib/native/errors.ts): c10::Error and std::exception are caught
// at the boundary, their message kept (without libtorch's C++ backtrace), and the op name attached. Nothing aborts.
#pragma once
#include <napi.h>
#include <c10/util/Exception.h>

#include "napi/device_audit.h"

#include <exception>
#include <string>

namespace rarft::napi {

// Stores the JS TorchError class handed over once by the TS loader (addon.setErrorClass).
void SetTorchErrorClass(Napi::Env env, Napi::Function ctor);

// Builds a TorchError (or a plain Error before the class is set) with `op` and `message`.
Napi::Error MakeTorchError(Napi::Env env, const std::string& message, const std::string& op);

// The message of an in-flight exception, with libtorch's backtrace stripped.
std::string DescribeException(const std::exception& e);

// Thrown by argument checks; becomes a TorchError with the op name like any other failure.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs `body` and converts every C++ exception into a thrown JS TorchError. Every binding runs under it, so it also
// starts the call's device-audit record (device_audit.h).
template <typename F>
Napi::Value Guard(const Napi::CallbackInfo& info, const char* op, F&& body) {
  try {
    audit::BeginCall();
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw MakeTorchError(info.Env(), DescribeException(e), op);
  } catch (...) {
    throw MakeTorchError(info.Env(), "unknown native exception", op);
  }
}

}  // namespace rarft::napi
