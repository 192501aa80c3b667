// Broadcasting arithmetic, comparisons and unary math. Scalar variants avoid making a tensor for a JS number.
#include "napi/op.h"

namespace rarft::napi {

#define BINARY(name, fn)                                               \
  RARFT_OP(name) { return Ret(info, fn(T(0), T(1))); }                 \
  RARFT_OP(name##Scalar) { return Ret(info, fn(T(0), at::Scalar(NumberArg(info, 1)))); }

BINARY(add, at::add)
BINARY(sub, at::sub)
BINARY(mul, at::mul)
BINARY(div, at::div)
BINARY(pow, at::pow)
BINARY(remainder, at::remainder)
BINARY(eq, at::eq)
BINARY(ne, at::ne)
BINARY(lt, at::lt)
BINARY(le, at::le)
BINARY(gt, at::gt)
BINARY(ge, at::ge)
#undef BINARY

RARFT_OP(minimum) { return Ret(info, at::minimum(T(0), T(1))); }
RARFT_OP(maximum) { return Ret(info, at::maximum(T(0), T(1))); }
RARFT_OP(logicalAnd) { return Ret(info, at::logical_and(T(0), T(1))); }
RARFT_OP(logicalOr) { return Ret(info, at::logical_or(T(0), T(1))); }
RARFT_OP(logicalXor) { return Ret(info, at::logical_xor(T(0), T(1))); }
// scalar - t and scalar / t
RARFT_OP(rsubScalar) { return Ret(info, at::rsub(T(0), at::Scalar(NumberArg(info, 1)))); }
RARFT_OP(rdivScalar) { return Ret(info, at::div(at::scalar_tensor(NumberArg(info, 1), T(0).options()), T(0))); }

// where(cond, a, b); whereScalar(cond, a, number)
RARFT_OP(where) { return Ret(info, at::where(T(0), T(1), T(2))); }
RARFT_OP(whereScalar) { return Ret(info, at::where(T(0), T(1), at::Scalar(NumberArg(info, 2)))); }

// clamp(t, min|null, max|null)
RARFT_OP(clamp) {
  auto lo = OptNumberArg(info, 1), hi = OptNumberArg(info, 2);
  if (!lo && !hi) throw ArgError("clamp needs a min or a max");
  std::optional<at::Scalar> slo, shi;
  if (lo) slo = at::Scalar(*lo);
  if (hi) shi = at::Scalar(*hi);
  return Ret(info, at::clamp(T(0), slo, shi));
}
RARFT_OP(clampTensor) {
  std::optional<at::Tensor> lo, hi;
  if (!IsMissing(info, 1)) lo = T(1);
  if (!IsMissing(info, 2)) hi = T(2);
  return Ret(info, at::clamp(T(0), lo, hi));
}
// nanToNum(t, nan, posinf?, neginf?)
RARFT_OP(nanToNum) {
  return Ret(info, at::nan_to_num(T(0), NumberArg(info, 1), OptNumberArg(info, 2), OptNumberArg(info, 3)));
}

#define UNARY(name, fn) \
  RARFT_OP(name) { return Ret(info, fn(T(0))); }
UNARY(neg, at::neg)
UNARY(exp, at::exp)
UNARY(log, at::log)
UNARY(log1p, at::log1p)
UNARY(expm1, at::expm1)
UNARY(abs, at::abs)
UNARY(sqrt, at::sqrt)
UNARY(rsqrt, at::rsqrt)
UNARY(square, at::square)
UNARY(reciprocal, at::reciprocal)
UNARY(sin, at::sin)
UNARY(cos, at::cos)
UNARY(tanh, at::tanh)
UNARY(sigmoid, at::sigmoid)
UNARY(relu, at::relu)
UNARY(silu, at::silu)
UNARY(erf, at::erf)
UNARY(floor, at::floor)
UNARY(ceil, at::ceil)
UNARY(round, at::round)
UNARY(trunc, at::trunc)
UNARY(sign, at::sign)
UNARY(logicalNot, at::logical_not)
UNARY(isnan, at::isnan)
UNARY(isinf, at::isinf)
UNARY(isfinite, at::isfinite)
#undef UNARY
RARFT_OP(gelu) { return Ret(info, at::gelu(T(0), IsMissing(info, 1) ? "none" : StringArg(info, 1))); }

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(add, 2) E(addScalar, 2) E(sub, 2) E(subScalar, 2) E(mul, 2) E(mulScalar, 2) E(div, 2) E(divScalar, 2) E(pow, 2) E(powScalar, 2)
  E(remainder, 2) E(remainderScalar, 2) E(eq, 2) E(eqScalar, 2) E(ne, 2) E(neScalar, 2) E(lt, 2) E(ltScalar, 2) E(le, 2) E(leScalar, 2)
  E(gt, 2) E(gtScalar, 2) E(ge, 2) E(geScalar, 2) E(minimum, 2) E(maximum, 2) E(logicalAnd, 2) E(logicalOr, 2) E(logicalXor, 2)
  E(rsubScalar, 2) E(rdivScalar, 2) E(where, 3) E(whereScalar, 3) E(clamp, 3) E(clampTensor, 3) E(nanToNum, 4)
  E(neg, 1) E(exp, 1) E(log, 1) E(log1p, 1) E(expm1, 1) E(abs, 1) E(sqrt, 1) E(rsqrt, 1) E(square, 1) E(reciprocal, 1) E(sin, 1) E(cos, 1)
  E(tanh, 1) E(sigmoid, 1) E(relu, 1) E(silu, 1) E(erf, 1) E(floor, 1) E(ceil, 1) E(round, 1) E(trunc, 1) E(sign, 1) E(logicalNot, 1)
  E(isnan, 1) E(isinf, 1) E(isfinite, 1) E(gelu, 2)
#undef E
}

}  // namespace rarft::napi
