// Shorthand for synchronous tensor-op bindings:
//   RARFT_OP(add) { return Ret(info, at::add(T(0), T(1))); }
// defines `add(info)`, which runs the body under Guard so any failure becomes a TorchError naming "add".
#pragma once
#include <napi.h>
#include <ATen/ATen.h>

#include "napi/args.h"
#include "napi/errors.h"
#include "napi/exports.h"
#include "napi/tensor_registry.h"

#define RARFT_OP(name)                                                                          \
  static Napi::Value name##_impl(const Napi::CallbackInfo& info);                               \
  static Napi::Value name(const Napi::CallbackInfo& info) {                                     \
    return ::rarft::napi::Guard(info, #name, [&]() -> Napi::Value { return name##_impl(info); }); \
  }                                                                                             \
  static Napi::Value name##_impl(const Napi::CallbackInfo& info)

#define T(i) ::rarft::napi::TensorArg(info, i)

namespace rarft::napi {
inline Napi::Value Ret(const Napi::CallbackInfo& info, at::Tensor t) { return WrapTensor(info.Env(), std::move(t)); }
inline Napi::Value RetPair(const Napi::CallbackInfo& info, std::tuple<at::Tensor, at::Tensor> p) {
  return WrapTensors(info.Env(), {std::get<0>(p), std::get<1>(p)});
}
inline Napi::Value RetList(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts) {
  return WrapTensors(info.Env(), ts);
}
// Optional dim list: null/undefined means "all dims".
inline at::OptionalIntArrayRef OptDims(const Napi::CallbackInfo& info, size_t i, std::vector<int64_t>& storage) {
  if (IsMissing(info, i)) return std::nullopt;
  storage = IntListArg(info, i);
  return at::IntArrayRef(storage);
}
}  // namespace rarft::napi
