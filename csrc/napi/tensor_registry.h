// Tensor handles: JS holds a number, the registry holds the at::Tensor. A handle packs a slot index and the slot's
// generation, so a stale handle (used after dispose, or after its slot was reused) is detected, never misread.
// One registry per Node environment; only that environment's JS thread touches it (async workers copy their
// at::Tensor inputs before leaving the JS thread and register their outputs back on it).
#pragma once
#include <napi.h>
#include <ATen/core/Tensor.h>

#include "napi/device_audit.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rarft::napi {

class TensorRegistry {
 public:
  static TensorRegistry& For(Napi::Env env);

  // `label`: the tensor's device under the device audit (device_audit.h); cpu when the audit is off.
  double Add(Napi::Env env, at::Tensor t, audit::Label label = audit::kCpu);
  const at::Tensor& Get(double handle) const;  // throws ArgError for a freed or unknown handle
  audit::Label LabelOf(double handle) const;
  bool Free(Napi::Env env, double handle);     // false if already freed
  size_t Live() const { return live_; }
  int64_t ReportedBytes() const { return reported_bytes_; }

 private:
  struct Slot {
    at::Tensor tensor;
    uint32_t generation = 0;
    int64_t bytes = 0;
    audit::Label label = audit::kCpu;
    bool live = false;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  const Slot& SlotOf(double handle) const;
  size_t live_ = 0;
  int64_t reported_bytes_ = 0;
};

// Convenience used by every binding. TensorArg/TensorListArg record each tensor with the device audit; WrapTensor
// labels its result with the call's device.
const at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t index);
audit::Label TensorLabelArg(const Napi::CallbackInfo& info, size_t index);
Napi::Value WrapTensor(Napi::Env env, at::Tensor t);
Napi::Value WrapTensors(Napi::Env env, const std::vector<at::Tensor>& ts);
std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t index);

}  // namespace rarft::napi
