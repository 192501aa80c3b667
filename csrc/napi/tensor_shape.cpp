// Views and re-layouts: reshape, slicing, transposes, joins and splits.
#include "napi/op.h"

namespace rarft::napi {

RARFT_OP(reshape) { return Ret(info, at::reshape(T(0), IntListArg(info, 1))); }
RARFT_OP(view) { return Ret(info, T(0).view(IntListArg(info, 1))); }
// slice(t, dim, start, end|null, step)
RARFT_OP(slice) {
  const at::Tensor& t = T(0);
  int64_t dim = CheckDim(t, IntArg(info, 1));
  return Ret(info, at::slice(t, dim, OptIntArg(info, 2), OptIntArg(info, 3), IsMissing(info, 4) ? 1 : IntArg(info, 4)));
}
RARFT_OP(narrow) { return Ret(info, at::narrow(T(0), CheckDim(T(0), IntArg(info, 1)), IntArg(info, 2), IntArg(info, 3))); }
// select(t, dim, index): checks the index so a bad one is an error, not a crash
RARFT_OP(select) {
  const at::Tensor& t = T(0);
  int64_t dim = CheckDim(t, IntArg(info, 1));
  int64_t i = IntArg(info, 2), n = t.size(dim);
  if (i < -n || i >= n) throw ArgError("index " + std::to_string(i) + " out of range for dim " + std::to_string(dim) + " of size " + std::to_string(n));
  return Ret(info, at::select(t, dim, i));
}
RARFT_OP(transpose) { return Ret(info, at::transpose(T(0), CheckDim(T(0), IntArg(info, 1)), CheckDim(T(0), IntArg(info, 2)))); }
RARFT_OP(permute) { return Ret(info, T(0).permute(IntListArg(info, 1))); }
RARFT_OP(squeeze) {
  if (IsMissing(info, 1)) return Ret(info, at::squeeze(T(0)));
  return Ret(info, at::squeeze(T(0), CheckDim(T(0), IntArg(info, 1))));
}
RARFT_OP(unsqueeze) {
  const at::Tensor& t = T(0);
  int64_t d = IntArg(info, 1), r = t.dim();
  if (d < -r - 1 || d > r) throw ArgError("dim " + std::to_string(d) + " out of range for unsqueeze of rank " + std::to_string(r));
  return Ret(info, at::unsqueeze(t, d));
}
RARFT_OP(expand) { return Ret(info, T(0).expand(IntListArg(info, 1))); }
RARFT_OP(flatten) {
  return Ret(info, at::flatten(T(0), IsMissing(info, 1) ? 0 : IntArg(info, 1), IsMissing(info, 2) ? -1 : IntArg(info, 2)));
}
RARFT_OP(contiguous) { return Ret(info, T(0).contiguous()); }
RARFT_OP(clone) { return Ret(info, T(0).clone()); }
RARFT_OP(cat) { return Ret(info, at::cat(TensorListArg(info, 0), IntArg(info, 1))); }
RARFT_OP(stack) { return Ret(info, at::stack(TensorListArg(info, 0), IntArg(info, 1))); }
// split(t, sizes[], dim) with explicit sizes; chunk(t, n, dim)
RARFT_OP(split) { return RetList(info, at::split_with_sizes(T(0), IntListArg(info, 1), CheckDim(T(0), IntArg(info, 2)))); }
RARFT_OP(chunk) { return RetList(info, at::chunk(T(0), IntArg(info, 1), CheckDim(T(0), IntArg(info, 2)))); }
RARFT_OP(unbind) { return RetList(info, at::unbind(T(0), CheckDim(T(0), IntArg(info, 1)))); }
RARFT_OP(repeat) { return Ret(info, T(0).repeat(IntListArg(info, 1))); }
RARFT_OP(repeatInterleave) {
  return Ret(info, at::repeat_interleave(T(0), IntArg(info, 1), CheckDim(T(0), IntArg(info, 2))));
}
RARFT_OP(flip) { return Ret(info, at::flip(T(0), IntListArg(info, 1))); }
RARFT_OP(tril) { return Ret(info, at::tril(T(0), IsMissing(info, 1) ? 0 : IntArg(info, 1))); }
RARFT_OP(triu) { return Ret(info, at::triu(T(0), IsMissing(info, 1) ? 0 : IntArg(info, 1))); }
// pad(t, pads[], value): constant padding, pads as in torch.nn.functional.pad
RARFT_OP(pad) { return Ret(info, at::constant_pad_nd(T(0), IntListArg(info, 1), IsMissing(info, 2) ? 0.0 : NumberArg(info, 2))); }

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(reshape, 2) E(view, 2) E(slice, 5) E(narrow, 4) E(select, 3) E(transpose, 3) E(permute, 2) E(squeeze, 2) E(unsqueeze, 2) E(expand, 2)
  E(flatten, 3) E(contiguous, 1) E(clone, 1) E(cat, 2) E(stack, 2) E(split, 3) E(chunk, 3) E(unbind, 2) E(repeat, 2) E(repeatInterleave, 3)
  E(flip, 2) E(tril, 2) E(triu, 2) E(pad, 3)
#undef E
}

}  // namespace rarft::napi
