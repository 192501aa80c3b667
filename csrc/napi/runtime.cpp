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
RARFT_OP(cudaIsAvailable) { return Napi::Boolean::New(info.Env(), torch::cuda::is_available()); }
RARFT_OP(cudaDeviceCount) { return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count())); }
RARFT_OP(cudaSynchronize) {
  if (torch::cuda::is_available()) torch::cuda::synchronize();
  return info.Env().Undefined();
}

RARFT_EXPORTS(env, exports) {
#define E(name) SetFn(env, exports, #name, name);
  E(buildInfo) E(setNumThreads) E(getNumThreads) E(cudaIsAvailable) E(cudaDeviceCount) E(cudaSynchronize)
#undef E
}

}  // namespace rarft::napi
