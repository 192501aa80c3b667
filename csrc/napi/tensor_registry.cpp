#include "napi/tensor_registry.h"

#include <cmath>

#include "napi/errors.h"
#include "napi/exports.h"

namespace rarft::napi {
namespace {

constexpr double kSlotSpace = 4194304.0;  // 2^22 slots; handle = generation * 2^22 + slot (exact below 2^53)

thread_local TensorRegistry* tl_registry = nullptr;

int64_t HostBytes(const at::Tensor& t) {
  // Only host memory is reported to V8 (it drives GC pressure); device memory is invisible to it.
  if (!t.defined() || !t.device().is_cpu()) return 0;
  return static_cast<int64_t>(t.nbytes());
}

}  // namespace

TensorRegistry& TensorRegistry::For(Napi::Env env) {
  if (!tl_registry) {
    tl_registry = new TensorRegistry();
    env.AddCleanupHook([] {
      delete tl_registry;
      tl_registry = nullptr;
    });
  }
  return *tl_registry;
}

double TensorRegistry::Add(Napi::Env env, at::Tensor t, audit::Label label) {
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    if (slots_.size() >= static_cast<size_t>(kSlotSpace)) throw ArgError("too many live tensors (4194304)");
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[index];
  s.bytes = HostBytes(t);
  s.label = label;
  s.tensor = std::move(t);
  s.live = true;
  ++live_;
  if (s.bytes) {
    reported_bytes_ += s.bytes;
    Napi::MemoryManagement::AdjustExternalMemory(env, s.bytes);
  }
  return static_cast<double>(s.generation) * kSlotSpace + index;
}

const TensorRegistry::Slot& TensorRegistry::SlotOf(double handle) const {
  if (!(handle >= 0) || handle != std::floor(handle)) throw ArgError("not a tensor handle");
  double gen = std::floor(handle / kSlotSpace);
  auto index = static_cast<size_t>(handle - gen * kSlotSpace);
  if (index >= slots_.size()) throw ArgError("unknown tensor handle");
  const Slot& s = slots_[index];
  if (!s.live || s.generation != static_cast<uint32_t>(gen)) throw ArgError("tensor was disposed");
  return s;
}

const at::Tensor& TensorRegistry::Get(double handle) const { return SlotOf(handle).tensor; }

audit::Label TensorRegistry::LabelOf(double handle) const { return SlotOf(handle).label; }

bool TensorRegistry::Free(Napi::Env env, double handle) {
  if (!(handle >= 0)) return false;
  double gen = std::floor(handle / kSlotSpace);
  auto index = static_cast<size_t>(handle - gen * kSlotSpace);
  if (index >= slots_.size()) return false;
  Slot& s = slots_[index];
  if (!s.live || s.generation != static_cast<uint32_t>(gen)) return false;
  s.tensor = at::Tensor();
  s.live = false;
  s.generation = (s.generation + 1) & 0x7fffffff;
  --live_;
  if (s.bytes) {
    reported_bytes_ -= s.bytes;
    Napi::MemoryManagement::AdjustExternalMemory(env, -s.bytes);
    s.bytes = 0;
  }
  free_.push_back(index);
  return true;
}

const at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = info[index];
  if (!v.IsNumber()) throw ArgError("argument " + std::to_string(index) + " must be a tensor");
  auto& reg = TensorRegistry::For(info.Env());
  double h = v.As<Napi::Number>().DoubleValue();
  const at::Tensor& t = reg.Get(h);
  if (audit::Enabled()) audit::NoteInput(reg.LabelOf(h), t);
  return t;
}

audit::Label TensorLabelArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value v = info[index];
  if (!v.IsNumber()) throw ArgError("argument " + std::to_string(index) + " must be a tensor");
  return TensorRegistry::For(info.Env()).LabelOf(v.As<Napi::Number>().DoubleValue());
}

Napi::Value WrapTensor(Napi::Env env, at::Tensor t) {
  if (!t.defined()) return env.Null();
  return Napi::Number::New(env, TensorRegistry::For(env).Add(env, std::move(t), audit::ResultLabel()));
}

Napi::Value WrapTensors(Napi::Env env, const std::vector<at::Tensor>& ts) {
  Napi::Array arr = Napi::Array::New(env, ts.size());
  for (uint32_t i = 0; i < ts.size(); ++i) arr.Set(i, WrapTensor(env, ts[i]));
  return arr;
}

std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsArray()) throw ArgError("argument " + std::to_string(index) + " must be an array of tensors");
  auto arr = info[index].As<Napi::Array>();
  auto& reg = TensorRegistry::For(info.Env());
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value v = arr.Get(i);
    if (!v.IsNumber()) throw ArgError("element " + std::to_string(i) + " is not a tensor");
    double h = v.As<Napi::Number>().DoubleValue();
    out.push_back(reg.Get(h));
    if (audit::Enabled()) audit::NoteInput(reg.LabelOf(h), out.back());
  }
  return out;
}

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "free", [](const Napi::CallbackInfo& info) -> Napi::Value {
    bool freed = TensorRegistry::For(info.Env()).Free(info.Env(), info[0].As<Napi::Number>().DoubleValue());
    return Napi::Boolean::New(info.Env(), freed);
  }, 1);
  SetFn(env, exports, "liveTensors", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(TensorRegistry::For(info.Env()).Live()));
  }, 0);
  SetFn(env, exports, "reportedHostBytes", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(TensorRegistry::For(info.Env()).ReportedBytes()));
  }, 0);
}

}  // namespace rarft::napi
