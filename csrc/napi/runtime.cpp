// Process-wide runtime facts and knobs: versions, threads, CUDA and distributed backends compiled in.
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "napi/op.h"

#ifndef RARFT_LIBTORCH_VERSION
#define RARFT_LIBTORCH_VERSION "unknown"
#endif

namespace rarft::napi {

RARFT_OP(buildInfo) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("libtorch", Napi::String::New(env, RARFT_LIBTORCH_VERSION));
#ifdef RARFT_HAVE_CUDA
  o.Set("cudaBuild", Napi::Boolean::New(env, true));
#else
  o.Set("cudaBuild", Napi::Boolean::New(env, false));
#endif
#ifdef RARFT_HAVE_GLOO
  o.Set("gloo", Napi::Boolean::New(env, true));
#else
  o.Set("gloo", Napi::Boolean::New(env, false));
#endif
#ifdef RARFT_HAVE_NCCL
  o.Set("nccl", Napi::Boolean::New(env, true));
#else
  o.Set("nccl", Napi::Boolean::New(env, false));
#endif
  o.Set("parallel", Napi::String::New(env, at::get_parallel_info()));
  return o;
}
RARFT_OP(setNumThreads) {
  int64_t n = IntArg(info, 0);
  if (n < 1) throw ArgError("thread count must be >= 1");
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}
RARFT_OP(getNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }
// Under the device audit (device_audit.h) CUDA is "available" with the simulated device count.
RARFT_OP(cudaIsAvailable) { return Napi::Boolean::New(info.Env(), audit::Enabled() || torch::cuda::is_available()); }
RARFT_OP(cudaDeviceCount) {
  if (audit::Enabled()) return Napi::Number::New(info.Env(), audit::SimulatedDevices());
  return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
}
RARFT_OP(cudaSynchronize) {
  if (!audit::Enabled() && torch::cuda::is_available()) torch::cuda::synchronize();
  return info.Env().Undefined();
}
// setDeviceAudit(devices): simulate `devices` GPUs on the CPU (0 = off); see device_audit.h. deviceAudit() -> count.
RARFT_OP(setDeviceAudit) {
  audit::Configure(static_cast<int>(IntArg(info, 0)));
  return info.Env().Undefined();
}
RARFT_OP(deviceAudit) { return Napi::Number::New(info.Env(), audit::SimulatedDevices()); }
// setDeterministic(on): deterministic kernels only (torch.use_deterministic_algorithms + cuDNN deterministic, no
// cuDNN benchmark). cuBLAS also needs CUBLAS_WORKSPACE_CONFIG before its first handle (the TS side sets it).
RARFT_OP(setDeterministic) {
  bool on = BoolArg(info, 0);
  at::globalContext().setDeterministicAlgorithms(on, /*warn_only=*/false);
  at::globalContext().setDeterministicCuDNN(on);
  if (on) at::globalContext().setBenchmarkCuDNN(false);
  return info.Env().Undefined();
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(buildInfo, 0) E(setNumThreads, 1) E(getNumThreads, 0) E(cudaIsAvailable, 0) E(cudaDeviceCount, 0) E(cudaSynchronize, 0)
  E(setDeviceAudit, 1) E(deviceAudit, 0) E(setDeterministic, 1)
#undef E
}

}  // namespace rarft::napi
