// Activation (gradient) checkpointing: run a block without keeping its intermediate activations, and recompute it
// during backward. For the 3B/7B models at a few thousand tokens the decoder's saved activations dominate memory;
// with checkpointing only each block's input is kept.
#pragma once
#include <ATen/ATen.h>

#include <functional>

namespace rarft::qwen {

// y = fn(x). Without grad mode this is just fn(x). With grad mode, fn runs under no_grad; backward re-runs fn on a
// detached copy of x with grad enabled and backpropagates the incoming gradient through it. Parameter gradients are
// accumulated into the parameters' .grad (as in PyTorch's reentrant checkpoint), so use it with .backward(), not
// with autograd.grad on parameters. fn must be deterministic (no dropout/sampling: true here).
// `params_need_grad`: whether any parameter used by fn requires grad. When neither x nor the parameters need grad
// (a frozen ViT block) fn simply runs: nothing would be recomputed for nothing.
at::Tensor Checkpointed(const std::function<at::Tensor(const at::Tensor&)>& fn, const at::Tensor& x,
                        bool params_need_grad);

// True when any of the tensors requires grad.
bool AnyRequiresGrad(std::initializer_list<at::Tensor> ts);

// How many checkpointed blocks have been recomputed in backward (process-wide): lets tests prove the path ran.
int64_t CheckpointRecomputations();
// Counts one recomputation (the sharded block runner recomputes too).
void CountCheckpointRecomputation();

}  // namespace rarft::qwen
