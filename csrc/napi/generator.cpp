// Seeded random generators. JS holds a number; the state can be saved and restored (resumable training).
// Random tensors are drawn on the CPU generator and then moved, so a seed gives the same numbers on any device.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>

#include "napi/object_map.h"
#include "napi/op.h"

namespace rarft::napi {
namespace {

using Generators = ObjectMap<at::Generator>;

std::optional<at::Generator> GenArg(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return std::nullopt;
  auto gen = Generators::For(info.Env()).Arg(info, i, "generator");
  audit::NoteObject(gen.get(), "generator");  // generators here are CPU ones: a CUDA draw from one fails in libtorch
  return *gen;
}

at::Tensor OnDevice(at::Tensor t, const Napi::CallbackInfo& info, size_t device_i) {
  at::Device dev = DeviceArg(info, device_i);
  return dev.is_cpu() ? t : t.to(dev);
}

}  // namespace

RARFT_OP(generatorCreate) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(IntArg(info, 0)));
  return Generators::For(info.Env()).Add(info.Env(), std::make_shared<at::Generator>(std::move(gen)));
}
RARFT_OP(generatorFree) {
  return Napi::Boolean::New(info.Env(), Generators::For(info.Env()).Take(IntArg(info, 0)) != nullptr);
}
RARFT_OP(generatorGetState) {
  auto gen = *GenArg(info, 0);
  std::lock_guard<std::mutex> lock(gen.mutex());
  at::Tensor s = gen.get_state();
  auto buf = Napi::Buffer<uint8_t>::Copy(info.Env(), s.data_ptr<uint8_t>(), s.numel());
  return buf;
}
RARFT_OP(generatorSetState) {
  auto gen = *GenArg(info, 0);
  auto buf = info[1].As<Napi::Buffer<uint8_t>>();
  at::Tensor s = at::empty({static_cast<int64_t>(buf.Length())}, at::kByte);
  std::memcpy(s.data_ptr(), buf.Data(), buf.Length());
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(s);
  return info.Env().Undefined();
}
RARFT_OP(manualSeed) {
  at::manual_seed(static_cast<uint64_t>(IntArg(info, 0)));
  return info.Env().Undefined();
}

// rand(shape, dtype, device, gen?)
RARFT_OP(rand) {
  auto opts = at::TensorOptions().dtype(OptDtypeArg(info, 1).value_or(at::kFloat));
  return Ret(info, OnDevice(at::rand(IntListArg(info, 0), GenArg(info, 3), opts), info, 2));
}
RARFT_OP(randn) {
  auto opts = at::TensorOptions().dtype(OptDtypeArg(info, 1).value_or(at::kFloat));
  return Ret(info, OnDevice(at::randn(IntListArg(info, 0), GenArg(info, 3), opts), info, 2));
}
// randint(low, high, shape, dtype, device, gen?)
RARFT_OP(randint) {
  auto opts = at::TensorOptions().dtype(OptDtypeArg(info, 3).value_or(at::kLong));
  return Ret(info, OnDevice(at::randint(IntArg(info, 0), IntArg(info, 1), IntListArg(info, 2), GenArg(info, 5), opts), info, 4));
}
// multinomial(probs, numSamples, replacement, gen?)
RARFT_OP(multinomial) {
  return Ret(info, at::multinomial(T(0), IntArg(info, 1), BoolArg(info, 2), GenArg(info, 3)));
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "generatorCreate", generatorCreate, 1);
  SetFn(env, exports, "generatorFree", generatorFree, 1);
  SetFn(env, exports, "generatorGetState", generatorGetState, 1);
  SetFn(env, exports, "generatorSetState", generatorSetState, 2);
  SetFn(env, exports, "manualSeed", manualSeed, 1);
  SetFn(env, exports, "rand", rand, 4);
  SetFn(env, exports, "randn", randn, 4);
  SetFn(env, exports, "randint", randint, 6);
  SetFn(env, exports, "multinomial", multinomial, 4);
}

}  // namespace rarft::napi
