// Tensor creation and host <-> tensor copies.
#include <cstring>

#include "napi/op.h"

namespace rarft::napi {
namespace {

// Bytes of a JS TypedArray / ArrayBuffer view, as (pointer, length).
std::pair<const uint8_t*, size_t> BytesOf(const Napi::Value& v, size_t index) {
  if (v.IsTypedArray()) {
    auto ta = v.As<Napi::TypedArray>();
    auto* base = static_cast<const uint8_t*>(ta.ArrayBuffer().Data());
    return {base + ta.ByteOffset(), ta.ByteLength()};
  }
  if (v.IsArrayBuffer()) {
    auto ab = v.As<Napi::ArrayBuffer>();
    return {static_cast<const uint8_t*>(ab.Data()), ab.ByteLength()};
  }
  throw ArgError(ArgName(index) + " must be a TypedArray");
}

std::string ShapeStr(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

// fromData(typedArray, dtypeCode, shape, device?) -> copies the data into a new tensor
RARFT_OP(fromData) {
  auto [ptr, len] = BytesOf(info[0], 0);
  at::ScalarType dt = DtypeArg(info, 1);
  auto shape = IntListArg(info, 2);
  auto t = at::empty(shape, at::TensorOptions().dtype(dt));
  size_t need = t.nbytes();
  if (len != need)
    throw ArgError("data holds " + std::to_string(len / at::elementSize(dt)) + " elements but shape " +
                   ShapeStr(shape) + " needs " + std::to_string(t.numel()));
  if (need) std::memcpy(t.data_ptr(), ptr, need);
  at::Device dev = DeviceArg(info, 3);
  return Ret(info, dev.is_cpu() ? t : t.to(dev));
}

// toData(t) -> ArrayBuffer holding a contiguous host copy (the TS side makes the typed view)
RARFT_OP(toData) {
  at::Tensor t = T(0).detach().to(at::kCPU).contiguous();
  auto ab = Napi::ArrayBuffer::New(info.Env(), t.nbytes());
  if (t.nbytes()) std::memcpy(ab.Data(), t.data_ptr(), t.nbytes());
  return ab;
}

RARFT_OP(item) {
  const at::Tensor& t = T(0);
  if (t.numel() != 1) throw ArgError("item() needs a tensor with one element, got shape " + ShapeStr(t.sizes()));
  return Napi::Number::New(info.Env(), t.item().toDouble());
}

RARFT_OP(zeros) { return Ret(info, at::zeros(IntListArg(info, 0), Options(info, 1, 2))); }
RARFT_OP(ones) { return Ret(info, at::ones(IntListArg(info, 0), Options(info, 1, 2))); }
RARFT_OP(empty) { return Ret(info, at::empty(IntListArg(info, 0), Options(info, 1, 2))); }
RARFT_OP(full) { return Ret(info, at::full(IntListArg(info, 0), NumberArg(info, 1), Options(info, 2, 3))); }
RARFT_OP(scalarTensor) { return Ret(info, at::scalar_tensor(NumberArg(info, 0), Options(info, 1, 2))); }
RARFT_OP(eye) { return Ret(info, at::eye(IntArg(info, 0), Options(info, 1, 2))); }
RARFT_OP(arange) {
  return Ret(info, at::arange(NumberArg(info, 0), NumberArg(info, 1), NumberArg(info, 2), Options(info, 3, 4, at::kLong)));
}
RARFT_OP(linspace) {
  return Ret(info, at::linspace(NumberArg(info, 0), NumberArg(info, 1), IntArg(info, 2), Options(info, 3, 4)));
}
RARFT_OP(zerosLike) { return Ret(info, at::zeros_like(T(0))); }
RARFT_OP(onesLike) { return Ret(info, at::ones_like(T(0))); }
RARFT_OP(fullLike) { return Ret(info, at::full_like(T(0), NumberArg(info, 1))); }

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "fromData", fromData, 4);
  SetFn(env, exports, "toData", toData, 1);
  SetFn(env, exports, "item", item, 1);
  SetFn(env, exports, "zeros", zeros, 3);
  SetFn(env, exports, "ones", ones, 3);
  SetFn(env, exports, "empty", empty, 3);
  SetFn(env, exports, "full", full, 4);
  SetFn(env, exports, "scalarTensor", scalarTensor, 3);
  SetFn(env, exports, "eye", eye, 3);
  SetFn(env, exports, "arange", arange, 5);
  SetFn(env, exports, "linspace", linspace, 5);
  SetFn(env, exports, "zerosLike", zerosLike, 1);
  SetFn(env, exports, "onesLike", onesLike, 1);
  SetFn(env, exports, "fullLike", fullLike, 2);
}

}  // namespace rarft::napi
