// Autograd: leaf flags, backward (off the JS thread), gradients, detach and the grad-mode switch behind noGrad().
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "napi/async_work.h"
#include "napi/op.h"

namespace rarft::napi {

RARFT_OP(setRequiresGrad) {
  const at::Tensor& t = T(0);
  bool flag = BoolArg(info, 1);
  if (flag && !at::isFloatingType(t.scalar_type()))
    throw ArgError(std::string("only floating-point tensors can require gradients, got ") + c10::toString(t.scalar_type()));
  const_cast<at::Tensor&>(t).requires_grad_(flag);
  return info.Env().Undefined();
}
RARFT_OP(requiresGrad) { return Napi::Boolean::New(info.Env(), T(0).requires_grad()); }
RARFT_OP(isLeaf) { return Napi::Boolean::New(info.Env(), T(0).is_leaf()); }
// grad(t) -> handle of t.grad, or null
RARFT_OP(grad) { return Ret(info, T(0).grad()); }
RARFT_OP(zeroGrad) {
  const_cast<at::Tensor&>(T(0)).mutable_grad() = at::Tensor();
  return info.Env().Undefined();
}
RARFT_OP(detach) { return Ret(info, T(0).detach()); }
RARFT_OP(retainGrad) {
  const_cast<at::Tensor&>(T(0)).retain_grad();
  return info.Env().Undefined();
}
// backward(t, gradient|null, retainGraph) -> Promise<void>
RARFT_OP(backward) {
  at::Tensor t = T(0);
  std::optional<at::Tensor> g;
  if (!IsMissing(info, 1)) g = T(1);
  bool retain = !IsMissing(info, 2) && BoolArg(info, 2);
  if (!t.requires_grad()) throw ArgError("the tensor does not require grad (no graph to differentiate)");
  if (!g && t.numel() != 1) throw ArgError("a gradient is needed for a non-scalar output");
  return PromiseWorker::Start(
      info.Env(), "backward",
      [t, g, retain] { t.backward(g.value_or(at::Tensor()), retain); }, nullptr);
}
RARFT_OP(backwardSync) {
  at::Tensor t = T(0);
  std::optional<at::Tensor> g;
  if (!IsMissing(info, 1)) g = T(1);
  if (!t.requires_grad()) throw ArgError("the tensor does not require grad (no graph to differentiate)");
  if (!g && t.numel() != 1) throw ArgError("a gradient is needed for a non-scalar output");
  t.backward(g.value_or(at::Tensor()), !IsMissing(info, 2) && BoolArg(info, 2));
  return info.Env().Undefined();
}
// setGradEnabled(flag) -> previous flag (thread-local, like torch.set_grad_enabled)
RARFT_OP(setGradEnabled) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(BoolArg(info, 0));
  return Napi::Boolean::New(info.Env(), prev);
}
RARFT_OP(isGradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

RARFT_EXPORTS(env, exports) {
#define E(name, n) SetFn(env, exports, #name, name, n);
  E(setRequiresGrad, 2) E(requiresGrad, 1) E(isLeaf, 1) E(grad, 1) E(zeroGrad, 1) E(detach, 1) E(retainGrad, 1) E(backward, 3) E(backwardSync, 3)
  E(setGradEnabled, 1) E(isGradEnabled, 0)
#undef E
}

}  // namespace rarft::napi
