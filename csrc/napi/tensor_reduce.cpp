// Reductions over dims (null = all dims), scans, softmax and ordering.
#include "napi/op.h"

namespace rarft::napi {

// sum(t, dims|null, keepdim)
RARFT_OP(sum) {
  std::vector<int64_t> d;
  auto dims = OptDims(info, 1, d);
  bool keep = !IsMissing(info, 2) && BoolArg(info, 2);
  return Ret(info, at::sum(T(0), dims, keep));
}
RARFT_OP(mean) {
  std::vector<int64_t> d;
  auto dims = OptDims(info, 1, d);
  bool keep = !IsMissing(info, 2) && BoolArg(info, 2);
  return Ret(info, at::mean(T(0), dims, keep));
}
// std(t, dims|null, correction, keepdim): correction 1 = unbiased (N-1), 0 = population
RARFT_OP(std) {
  std::vector<int64_t> d;
  auto dims = OptDims(info, 1, d);
  std::optional<at::Scalar> corr = at::Scalar(IsMissing(info, 2) ? 1.0 : NumberArg(info, 2));
  bool keep = !IsMissing(info, 3) && BoolArg(info, 3);
  return Ret(info, at::std(T(0), dims, corr, keep));
}
RARFT_OP(var) {
  std::vector<int64_t> d;
  auto dims = OptDims(info, 1, d);
  std::optional<at::Scalar> corr = at::Scalar(IsMissing(info, 2) ? 1.0 : NumberArg(info, 2));
  bool keep = !IsMissing(info, 3) && BoolArg(info, 3);
  return Ret(info, at::var(T(0), dims, corr, keep));
}
RARFT_OP(amax) {
  std::vector<int64_t> d = IsMissing(info, 1) ? std::vector<int64_t>{} : IntListArg(info, 1);
  return Ret(info, at::amax(T(0), d, !IsMissing(info, 2) && BoolArg(info, 2)));
}
RARFT_OP(amin) {
  std::vector<int64_t> d = IsMissing(info, 1) ? std::vector<int64_t>{} : IntListArg(info, 1);
  return Ret(info, at::amin(T(0), d, !IsMissing(info, 2) && BoolArg(info, 2)));
}
// maxDim(t, dim, keepdim) -> [values, indices]
RARFT_OP(maxDim) { return RetPair(info, at::max(T(0), CheckDim(T(0), IntArg(info, 1)), BoolArg(info, 2))); }
RARFT_OP(minDim) { return RetPair(info, at::min(T(0), CheckDim(T(0), IntArg(info, 1)), BoolArg(info, 2))); }
RARFT_OP(argmax) {
  return Ret(info, at::argmax(T(0), OptIntArg(info, 1), !IsMissing(info, 2) && BoolArg(info, 2)));
}
RARFT_OP(argmin) {
  return Ret(info, at::argmin(T(0), OptIntArg(info, 1), !IsMissing(info, 2) && BoolArg(info, 2)));
}
RARFT_OP(prod) {
  if (IsMissing(info, 1)) return Ret(info, at::prod(T(0)));
  return Ret(info, at::prod(T(0), CheckDim(T(0), IntArg(info, 1)), !IsMissing(info, 2) && BoolArg(info, 2)));
}
RARFT_OP(logsumexp) {
  return Ret(info, at::logsumexp(T(0), IntListArg(info, 1), !IsMissing(info, 2) && BoolArg(info, 2)));
}
RARFT_OP(all) {
  if (IsMissing(info, 1)) return Ret(info, at::all(T(0)));
  return Ret(info, at::all(T(0), CheckDim(T(0), IntArg(info, 1)), !IsMissing(info, 2) && BoolArg(info, 2)));
}
RARFT_OP(any) {
  if (IsMissing(info, 1)) return Ret(info, at::any(T(0)));
  return Ret(info, at::any(T(0), CheckDim(T(0), IntArg(info, 1)), !IsMissing(info, 2) && BoolArg(info, 2)));
}
// norm(t, p, dims|null, keepdim)
RARFT_OP(norm) {
  std::vector<int64_t> d;
  auto dims = OptDims(info, 2, d);
  return Ret(info, at::linalg_vector_norm(T(0), NumberArg(info, 1), dims, !IsMissing(info, 3) && BoolArg(info, 3)));
}
RARFT_OP(cumsum) { return Ret(info, at::cumsum(T(0), CheckDim(T(0), IntArg(info, 1)))); }
RARFT_OP(cumprod) { return Ret(info, at::cumprod(T(0), CheckDim(T(0), IntArg(info, 1)))); }
RARFT_OP(softmax) { return Ret(info, at::softmax(T(0), CheckDim(T(0), IntArg(info, 1)))); }
RARFT_OP(logSoftmax) { return Ret(info, at::log_softmax(T(0), CheckDim(T(0), IntArg(info, 1)))); }
// topk(t, k, dim, largest, sorted) -> [values, indices]
RARFT_OP(topk) {
  return RetPair(info, at::topk(T(0), IntArg(info, 1), CheckDim(T(0), IntArg(info, 2)), BoolArg(info, 3), BoolArg(info, 4)));
}
// sort(t, dim, descending, stable) -> [values, indices]
RARFT_OP(sort) {
  return RetPair(info, at::sort(T(0), std::optional<bool>(!IsMissing(info, 3) && BoolArg(info, 3)),
                                CheckDim(T(0), IntArg(info, 1)), BoolArg(info, 2)));
}
RARFT_OP(argsort) {
  return Ret(info, at::argsort(T(0), !IsMissing(info, 3) && BoolArg(info, 3), CheckDim(T(0), IntArg(info, 1)), BoolArg(info, 2)));
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(sum, 3) E(mean, 3) E(std, 4) E(var, 4) E(amax, 3) E(amin, 3) E(maxDim, 3) E(minDim, 3) E(argmax, 3) E(argmin, 3) E(prod, 3) E(logsumexp, 3)
  E(all, 3) E(any, 3) E(norm, 4) E(cumsum, 2) E(cumprod, 2) E(softmax, 2) E(logSoftmax, 2) E(topk, 5) E(sort, 4) E(argsort, 4)
#undef E
}

}  // namespace rarft::napi
