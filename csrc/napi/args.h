// Argument decoding shared by the bindings. Each helper throws ArgError with the argument's position, which Guard
// turns into a TorchError naming the op.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>

#include <optional>
#include <string>
#include <vector>

#include "napi/errors.h"

namespace rarft::napi {

inline std::string ArgName(size_t i) { return "argument " + std::to_string(i); }

inline double NumberArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) throw ArgError(ArgName(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

inline int64_t IntArg(const Napi::CallbackInfo& info, size_t i) {
  double v = NumberArg(info, i);
  if (v != static_cast<double>(static_cast<int64_t>(v))) throw ArgError(ArgName(i) + " must be an integer");
  return static_cast<int64_t>(v);
}

inline bool BoolArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsBoolean()) throw ArgError(ArgName(i) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

inline bool IsMissing(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() <= i || info[i].IsUndefined() || info[i].IsNull();
}

inline std::optional<double> OptNumberArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return std::nullopt;
  return NumberArg(info, i);
}

inline std::optional<int64_t> OptIntArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return std::nullopt;
  return IntArg(info, i);
}

inline std::string StringArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) throw ArgError(ArgName(i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

inline std::vector<int64_t> IntListArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throw ArgError(ArgName(i) + " must be an array of integers");
  auto arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    if (!v.IsNumber()) throw ArgError(ArgName(i) + "[" + std::to_string(k) + "] must be an integer");
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<int64_t>(d))) throw ArgError(ArgName(i) + "[" + std::to_string(k) + "] must be an integer");
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

inline std::vector<std::string> StringListArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throw ArgError(ArgName(i) + " must be an array of strings");
  auto arr = info[i].As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    if (!v.IsString()) throw ArgError(ArgName(i) + "[" + std::to_string(k) + "] must be a string");
    out.push_back(v.As<Napi::String>().Utf8Value());
  }
  return out;
}

// dtype codes are at::ScalarType values (lib/tensor/dtype.ts mirrors them).
inline at::ScalarType DtypeArg(const Napi::CallbackInfo& info, size_t i) {
  int64_t code = IntArg(info, i);
  switch (static_cast<at::ScalarType>(code)) {
    case at::kByte: case at::kChar: case at::kShort: case at::kInt: case at::kLong: case at::kHalf:
    case at::kFloat: case at::kDouble: case at::kBool: case at::kBFloat16:
      return static_cast<at::ScalarType>(code);
    default:
      throw ArgError(ArgName(i) + ": unsupported dtype code " + std::to_string(code));
  }
}

inline std::optional<at::ScalarType> OptDtypeArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return std::nullopt;
  return DtypeArg(info, i);
}

// "cpu", "cuda", "cuda:1". Also makes it the device of the call's results for the device audit, which answers the CPU
// for a simulated GPU (device_audit.h). A missing argument means the CPU but leaves the results' device to the inputs.
inline at::Device DeviceArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return at::Device(at::kCPU);
  std::string s = StringArg(info, i);
  try {
    return audit::Resolve(at::Device(s));
  } catch (const c10::Error&) {
    throw ArgError(ArgName(i) + ": not a device: '" + s + "' (expected cpu, cuda or cuda:N)");
  }
}

inline at::TensorOptions Options(const Napi::CallbackInfo& info, size_t dtype_i, size_t device_i,
                                 at::ScalarType default_dtype = at::kFloat) {
  auto dt = OptDtypeArg(info, dtype_i).value_or(default_dtype);
  return at::TensorOptions().dtype(dt).device(DeviceArg(info, device_i));
}

inline int64_t CheckDim(const at::Tensor& t, int64_t dim) {
  int64_t r = t.dim();
  int64_t lo = r == 0 ? -1 : -r, hi = r == 0 ? 0 : r - 1;
  if (dim < lo || dim > hi)
    throw ArgError("dim " + std::to_string(dim) + " out of range for a tensor of rank " + std::to_string(r));
  return dim;
}

}  // namespace rarft::napi
