// The native side of the bridge benchmark: the same ATen op called in a C++ loop, so `npm run bench` can report
// what a JS handle call adds on top of libtorch itself.
#include <chrono>

#include "napi/op.h"

namespace rarft::napi {

// nativeLoopNs(op, a, b, iters) -> mean nanoseconds per call of at::<op>(a, b) (result freed each time)
RARFT_OP(nativeLoopNs) {
  std::string op = StringArg(info, 0);
  at::Tensor a = T(1), b = T(2);
  int64_t iters = IntArg(info, 3);
  if (iters < 1) throw ArgError("iters must be >= 1");
  auto run = [&](int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      at::Tensor c = op == "add" ? at::add(a, b) : op == "mul" ? at::mul(a, b) : at::matmul(a, b);
      (void)c;
    }
  };
  run(std::min<int64_t>(iters, 100));  // warm-up
  auto t0 = std::chrono::steady_clock::now();
  run(iters);
  auto t1 = std::chrono::steady_clock::now();
  double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(iters);
  return Napi::Number::New(info.Env(), ns);
}

// noop(x) -> x: the floor cost of crossing N-API with one number argument
RARFT_OP(noop) { return info[0]; }

RARFT_EXPORTS(env, exports) {
  SetFn(env, exports, "nativeLoopNs", nativeLoopNs, 4);
  SetFn(env, exports, "noop", noop, 1);
}

}  // namespace rarft::napi
