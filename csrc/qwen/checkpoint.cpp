#include "qwen/checkpoint.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include <atomic>

namespace rarft::qwen {
namespace {

std::atomic<int64_t> g_recomputations{0};

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct Closure : torch::CustomClassHolder {
  std::function<at::Tensor(const at::Tensor&)> fn;
};

struct CheckpointFn : public torch::autograd::Function<CheckpointFn> {
  // `anchor` is a 0-element tensor that requires grad: without it, when x itself needs no grad (e.g. the output of a
  // frozen layer) the Function's output would not require grad and the parameters inside fn would get none.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& anchor,
                            c10::intrusive_ptr<Closure> closure) {
    at::Tensor y;
    {
      at::NoGradGuard ng;
      y = closure->fn(x);
    }
    ctx->save_for_backward({x});
    ctx->saved_data["fn"] = c10::IValue::make_capsule(closure);
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    at::Tensor x = ctx->get_saved_variables()[0];
    auto closure = c10::static_intrusive_pointer_cast<Closure>(ctx->saved_data["fn"].toCapsule());
    g_recomputations.fetch_add(1);
    at::Tensor xd = x.detach().requires_grad_(x.requires_grad());
    at::Tensor y;
    {
      at::AutoGradMode on(true);
      y = closure->fn(xd);
    }
    if (y.requires_grad()) torch::autograd::backward({y}, {grads[0]});
    return {x.requires_grad() ? xd.grad() : at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

int64_t CheckpointRecomputations() { return g_recomputations.load(); }
void CountCheckpointRecomputation() { g_recomputations.fetch_add(1); }

bool AnyRequiresGrad(std::initializer_list<at::Tensor> ts) {
  for (const auto& t : ts)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

at::Tensor Checkpointed(const std::function<at::Tensor(const at::Tensor&)>& fn, const at::Tensor& x,
                        bool params_need_grad) {
  if (!at::GradMode::is_enabled() || (!x.requires_grad() && !params_need_grad)) return fn(x);
  auto closure = c10::make_intrusive<Closure>();
  closure->fn = fn;
  static thread_local at::Tensor anchor;
  if (!anchor.defined()) anchor = at::empty({0}).requires_grad_(true);
  return CheckpointFn::apply(x, anchor, closure);
}

}  // namespace rarft::qwen
