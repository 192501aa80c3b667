// Tensor metadata and conversions between dtypes and devices.
#include "napi/op.h"

namespace rarft::napi {

RARFT_OP(shape) {
  const at::Tensor& t = T(0);
  auto arr = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) arr.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(t.size(i))));
  return arr;
}
RARFT_OP(dtype) { return Napi::Number::New(info.Env(), static_cast<int>(T(0).scalar_type())); }
RARFT_OP(device) {
  if (audit::Enabled()) return Napi::String::New(info.Env(), audit::LabelName(TensorLabelArg(info, 0)));
  return Napi::String::New(info.Env(), T(0).device().str());
}
RARFT_OP(numel) { return Napi::Number::New(info.Env(), static_cast<double>(T(0).numel())); }
RARFT_OP(dim) { return Napi::Number::New(info.Env(), static_cast<double>(T(0).dim())); }
RARFT_OP(isContiguous) { return Napi::Boolean::New(info.Env(), T(0).is_contiguous()); }
// toDtype(t, dtype), toDevice(t, device)
RARFT_OP(toDtype) { return Ret(info, T(0).to(DtypeArg(info, 1))); }
RARFT_OP(toDevice) {
  const at::Tensor& t = T(0);
  audit::Label from = audit::Enabled() ? TensorLabelArg(info, 0) : audit::kCpu;
  at::Device dev = DeviceArg(info, 1);
  // a simulated move is a copy, as a real one is (writes to the result must not reach the source)
  bool copy = audit::Enabled() && audit::ResultLabel() != from;
  return Ret(info, t.to(dev, /*non_blocking=*/false, copy));
}
// allclose(a, b, rtol, atol)
RARFT_OP(allclose) {
  return Napi::Boolean::New(info.Env(), at::allclose(T(0), T(1), NumberArg(info, 2), NumberArg(info, 3)));
}
// maxAbsDiff(a, b) as a JS number: handy in tests
RARFT_OP(maxAbsDiff) {
  return Napi::Number::New(info.Env(), (T(0).to(at::kDouble) - T(1).to(at::kDouble)).abs().max().item<double>());
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(shape, 1) E(dtype, 1) E(device, 1) E(numel, 1) E(dim, 1) E(isContiguous, 1) E(toDtype, 2) E(toDevice, 2) E(allclose, 4) E(maxAbsDiff, 2)
#undef E
}

}  // namespace rarft::napi
