// Indexing: gather/scatter, index_select, masks. Index ranges are checked here first so that an out-of-range index is
// a clear error on every device (CUDA kernels would otherwise report it asynchronously).
#include "napi/op.h"

namespace rarft::napi {
namespace {

void CheckIndexRange(const at::Tensor& index, int64_t size, const char* what) {
  if (index.scalar_type() != at::kLong && index.scalar_type() != at::kInt)
    throw ArgError(std::string(what) + " index must be int64 or int32, got " + std::string(c10::toString(index.scalar_type())));
  if (index.numel() == 0) return;
  int64_t lo = index.min().item<int64_t>(), hi = index.max().item<int64_t>();
  if (lo < -size || hi >= size)
    throw ArgError(std::string(what) + " index out of range: values span [" + std::to_string(lo) + ", " + std::to_string(hi) +
                   "] but the dim has size " + std::to_string(size));
}

}  // namespace

// gather(t, dim, index)
RARFT_OP(gather) {
  const at::Tensor& t = T(0);
  int64_t dim = CheckDim(t, IntArg(info, 1));
  const at::Tensor& idx = T(2);
  CheckIndexRange(idx, t.size(dim), "gather");
  return Ret(info, at::gather(t, dim, idx.to(at::kLong)));
}
// indexSelect(t, dim, index)
RARFT_OP(indexSelect) {
  const at::Tensor& t = T(0);
  int64_t dim = CheckDim(t, IntArg(info, 1));
  const at::Tensor& idx = T(2);
  CheckIndexRange(idx, t.size(dim), "indexSelect");
  return Ret(info, at::index_select(t, dim, idx));
}
// scatter(t, dim, index, src), scatterAdd(t, dim, index, src): out-of-place
RARFT_OP(scatter) {
  const at::Tensor& t = T(0);
  int64_t dim = CheckDim(t, IntArg(info, 1));
  CheckIndexRange(T(2), t.size(dim), "scatter");
  return Ret(info, at::scatter(t, dim, T(2), T(3)));
}
RARFT_OP(scatterAdd) {
  const at::Tensor& t = T(0);
  int64_t dim = CheckDim(t, IntArg(info, 1));
  CheckIndexRange(T(2), t.size(dim), "scatterAdd");
  return Ret(info, at::scatter_add(t, dim, T(2), T(3)));
}
// maskedFill(t, mask, value)
RARFT_OP(maskedFill) {
  if (T(1).scalar_type() != at::kBool) throw ArgError("maskedFill mask must be bool");
  return Ret(info, at::masked_fill(T(0), T(1), at::Scalar(NumberArg(info, 2))));
}
RARFT_OP(maskedSelect) { return Ret(info, at::masked_select(T(0), T(1))); }
RARFT_OP(maskedScatter) { return Ret(info, at::masked_scatter(T(0), T(1), T(2))); }
RARFT_OP(nonzero) { return Ret(info, at::nonzero(T(0))); }
// embedding(weight, ids): rows of weight picked by ids
RARFT_OP(embedding) {
  CheckIndexRange(T(1), T(0).size(0), "embedding");
  return Ret(info, at::embedding(T(0), T(1)));
}

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(gather, 3) E(indexSelect, 3) E(scatter, 4) E(scatterAdd, 4) E(maskedFill, 3) E(maskedSelect, 2) E(maskedScatter, 3) E(nonzero, 1) E(embedding, 2)
#undef E
}

}  // namespace rarft::napi
