// Matrix products. The *Async variants run on the thread pool for products large enough to block the event loop.
#include "napi/async_work.h"
#include "napi/op.h"

namespace rarft::napi {

RARFT_OP(matmul) { return Ret(info, at::matmul(T(0), T(1))); }
RARFT_OP(bmm) { return Ret(info, at::bmm(T(0), T(1))); }
RARFT_OP(outer) { return Ret(info, at::outer(T(0), T(1))); }
// linear(x, weight, bias|null) = x @ weight^T + bias
RARFT_OP(linear) {
  std::optional<at::Tensor> bias;
  if (!IsMissing(info, 2)) bias = T(2);
  return Ret(info, at::linear(T(0), T(1), bias));
}
RARFT_OP(matmulAsync) {
  at::Tensor a = T(0), b = T(1);
  return AsyncTensor(info.Env(), "matmulAsync", [a, b] { return at::matmul(a, b); });
}
// matmulChainAsync(a, b, n): n successive a@b products written into one result; a multi-second op for tests and
// benchmarks of the async path that keeps every intermediate off the JS heap.
RARFT_OP(matmulChainAsync) {
  at::Tensor a = T(0), b = T(1);
  int64_t n = IntArg(info, 2);
  return AsyncTensor(info.Env(), "matmulChainAsync", [a, b, n] {
    at::Tensor acc = a;
    for (int64_t i = 0; i < n; ++i) acc = at::matmul(a, b);
    return acc;
  });
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(matmul, 2) E(bmm, 2) E(outer, 2) E(linear, 3) E(matmulAsync, 2) E(matmulChainAsync, 3)
#undef E
}

}  // namespace rarft::napi
