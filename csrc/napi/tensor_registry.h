// Tensor handles: JS holds a number, the registry holds the at::Tensor. A handle packs a slot index and the slot's
// generation, so a stale handle (used after dispose, or after its slot was reused) is detected, never misread.
// One registry per Node environment; only that environment's JS thread touches it (async workers copy their
// at::Tensor inputs before leaving the JS thread and register their outputs back on it).
#pragma once
#include <napi.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rarft::napi {

class TensorRegistry {
 public:
  static TensorRegistry& For(Napi::Env env);

  double Add(Napi::Env env, at::Tensor t);
  const at::Tensor& Get(double handle) const;  // throws ArgError for a freed or unknown handle
  bool Free(Napi::Env env, double handle);     // false if already freed
  size_t Live() const { return live_; }
  int64_t ReportedBytes() const { return reported_bytes_; }

 private:
  struct Slot {
    at::Tensor tensor;
    uint32_t generation = 0;
    int64_t bytes = 0;
    bool live = false;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
  int64_t reported_bytes_ = 0;
};

// Convenience used by every binding.
const at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t index);
Napi::Value WrapTensor(Napi::Env env, at::Tensor t);
Napi::Value WrapTensors(Napi::Env env, const std::vector<at::Tensor>& ts);
std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t index);

}  // namespace rarft::napi
